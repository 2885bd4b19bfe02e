"""The vocabulary of dates in news text: calendar names, regular expressions and date arithmetic.

Used by :mod:`extractor.derive.dates` and ``explicit_dates``; nothing here knows about articles or
records.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable
from typing import Final, TypeAlias

from schemas.events_v1 import DatePrecision

from .numbers import NUMBER_WORDS

FLAGS: Final = re.IGNORECASE | re.ASCII


class Stop(enum.Enum):
    """A rule recognised the expression but it cannot be resolved: stop, value ``None``."""

    STOP = enum.auto()


Resolution: TypeAlias = tuple[str, DatePrecision]
#: What a rule returns: a resolution, ``None`` (not mine, try the next rule) or ``Stop.STOP``.
RuleResult: TypeAlias = Resolution | Stop | None
Rule: TypeAlias = Callable[[str, dt.date | None, bool], RuleResult]

WEEKDAYS: Final[dict[str, int]] = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS: Final[dict[str, int]] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_ABBREVIATIONS: Final[dict[str, int]] = {
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
MONTH_NUMBERS: Final[dict[str, int]] = {**MONTHS, **_MONTH_ABBREVIATIONS}
#: Month names that are also ordinary English words: recognised alone only when capitalised
#: or introduced by a word that makes them a month ("in may", "late march").
AMBIGUOUS_MONTHS: Final = frozenset({"may", "march"})

#: Number words as news writes them (shared with ``grounding.count_in_quote``).


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so that prefixes do not win."""
    return "|".join(sorted(words, key=len, reverse=True))


WEEKDAY_RE: Final = _alternation(WEEKDAYS)
_MONTH_FULL_RE: Final = _alternation(MONTHS)
_MONTH_ANY_RE: Final = _alternation(MONTH_NUMBERS)
_ORDINAL: Final = r"(?:st|nd|rd|th)?"
_RANGE_JOINER: Final = r"(?:-|\u2013|\u2014|to|and|or|through|until)"
NUMBER_RE: Final = r"(?:[0-9]{1,4}|" + _alternation(NUMBER_WORDS) + ")"


def _month_named_date_re() -> re.Pattern[str]:
    """One pattern for every month-name form, alternatives in priority order.

    ``dmy``: "29 December 2019", "29th of Dec", "28-29 December" (``d0`` marks a range);
    ``mdy``: "December 29, 2019", "Dec. 29", "December 29-30" (``range`` marks a range);
    ``my``: "December 2019"; ``m``: "December" alone (full names only).
    """
    month = r"\b(?P<{name}>" + _MONTH_ANY_RE + r")\b\.?"
    dmy = (
        r"\b(?:(?P<d0>[0-9]{1,2})" + _ORDINAL + r"\s*" + _RANGE_JOINER + r"\s*)?"
        r"(?P<d1>[0-9]{1,2})"
        + _ORDINAL
        + r"\s+(?:of\s+)?"
        + month.format(name="m1")
        + r"(?:,?\s+(?P<y1>[0-9]{4})\b)?"
    )
    mdy = (
        month.format(name="m2") + r"\s*(?P<d2>[0-9]{1,2})" + _ORDINAL + r"(?![0-9])"
        r"(?P<range>\s*" + _RANGE_JOINER + r"\s*[0-9]{1,2}" + _ORDINAL + r"(?![0-9]))?"
        r"(?:,?\s+(?P<y2>[0-9]{4})\b)?"
    )
    my = month.format(name="m3") + r",?\s+(?P<y3>[0-9]{4})\b"
    bare = r"(?P<before>\b[a-z]+[\s-]+)?\b(?P<m4>" + _MONTH_FULL_RE + r")\b(?!\.?,?\s*[0-9])"
    return re.compile("|".join(f"(?:{p})" for p in (dmy, mdy, my, bare)), FLAGS)


MONTH_NAMED_DATE: Final = _month_named_date_re()
ISO_DATE: Final = re.compile(r"(?<![0-9])([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])", FLAGS)
ISO_WEEK: Final = re.compile(r"(?<![0-9])([0-9]{4})-?W([0-9]{1,2})(?![0-9])", FLAGS)
ISO_MONTH: Final = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{1,2})(?![0-9-])", FLAGS)
NUMERIC_DATE: Final = re.compile(r"(?<![0-9/.])([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{4})(?![0-9/.])", FLAGS)
BARE_YEAR: Final = re.compile(r"(?<![0-9/.-])\b(1[0-9]{3}|2[0-9]{3})\b(?![0-9/-])", FLAGS)
MONTH_INTRODUCERS: Final = frozenset({"in", "early", "mid", "late", "last", "next", "this", "during", "of"})

#: Expressions anchored on something other than the publication date: "two days after",
#: "the following day", "since Sunday". They are never resolved.
ANCHORED: Final = re.compile(
    r"\b(?:minutes?|hours?|days?|nights?|weeks?|weekends?|months?|years?)\s+"
    r"(?:after|before|later|earlier|prior|following|since)\b(?!\s+(?:yesterday|tomorrow)\b)"
    r"|\b(?:following|previous|preceding|same|that|prior)\s+"
    r"(?:day|night|morning|afternoon|evening|week|weekend|month|year)\b"
    r"|\bthe\s+next\s+(?:day|night|morning|afternoon|evening)\b"
    r"|(?<!\bday\s)\b(?:after|since|following|until|till|before|by)\s+"
    r"(?:the\s+)?(?:last\s+|this\s+|early\s+|late\s+)?"
    r"(?:" + WEEKDAY_RE + "|" + _MONTH_FULL_RE + r"|yesterday|today|tonight|last|this)\b",
    FLAGS,
)


def as_day(value: dt.date) -> Resolution:
    """A day-precision resolution."""
    return value.isoformat(), "day"


def as_week(value: dt.date) -> Resolution:
    """The ISO week containing ``value``."""
    year, week, _ = value.isocalendar()
    return f"{year:04d}-W{week:02d}", "week"


def as_month(year: int, month: int) -> Resolution:
    """A month-precision resolution; ``month`` may be out of 1..12 and is carried into the year."""
    year, index = divmod(year * 12 + month - 1, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("year out of range")
    return f"{year:04d}-{index + 1:02d}", "month"


def as_year(year: int) -> Resolution:
    """A year-precision resolution."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("year out of range")
    return f"{year:04d}", "year"


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` occurs in ``text`` (case-insensitive, ASCII word boundaries)."""
    return re.search(pattern, text, FLAGS) is not None


def parse_number(word: str) -> int:
    """A cardinal given as digits or as a word from one to ten ("a"/"an" count as one)."""
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def weekday_on_or_before(reference: dt.date, weekday: int) -> dt.date:
    """The most recent ``weekday`` on or before ``reference``."""
    return reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)


def weekday_on_or_after(reference: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` on or after ``reference``."""
    return reference + dt.timedelta(days=(weekday - reference.weekday()) % 7)


def monday_of(reference: dt.date) -> dt.date:
    """The Monday of ``reference``'s ISO week."""
    return reference - dt.timedelta(days=reference.weekday())


def infer_year(month: int, day: int, published: dt.date, *, future: bool) -> dt.date | None:
    """The most recent ``month``/``day`` on or before publication (on or after when ``future``)."""
    step = 1 if future else -1
    for offset in range(9):  # February 29 recurs at least every eight years
        year = published.year + step * offset
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return None
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if (candidate >= published) if future else (candidate <= published):
            return candidate
    return None
