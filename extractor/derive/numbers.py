"""Number words as news writes them: one table for date arithmetic ("two days ago") and casualty figures."""

from __future__ import annotations

from typing import Final

__all__ = ["NUMBER_WORDS"]

#: Cardinals written as words. "a"/"an"/"single" are 1 only where the caller says so.
NUMBER_WORDS: Final[dict[str, int]] = {
    "a": 1,
    "an": 1,
    "single": 1,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "dozen": 12,
}
