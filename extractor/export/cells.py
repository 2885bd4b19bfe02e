"""CSV cells made safe for spreadsheets (OWASP "CSV injection"), reversibly.

A spreadsheet application reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some applications, a tab or a carriage return) as a formula and runs it when the file is opened.
Actor names, sources and notes are text taken from articles anyone can write, so ``write_acled_csv``
passes every text cell through ``neutralise``, as OWASP recommends: such a cell is written with a
single quote (``'``) in front, which spreadsheets show as text.

The rule is reversible. A cell that already starts with ``'`` gets a second one, so a reader
recovers the original text exactly by one rule: **if a text cell starts with ``'``, drop that
first character**. Numbers are never touched: a numeric column (``latitude``, ``longitude``,
``fatalities``...) keeps ``-12.5`` as it is, whether it arrives as a number or as the text of
one.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Final

__all__ = ["ESCAPE", "FORMULA_PREFIXES", "neutralise", "neutralise_row"]

#: First characters a spreadsheet may read as the start of a formula (OWASP's list).
FORMULA_PREFIXES: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")
#: Put in front of such a cell, and in front of a cell that starts with itself (so that it can be undone).
ESCAPE: Final = "'"


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def neutralise(value: object, *, numeric: bool = False) -> object:
    """``value`` as a CSV cell safe to open in a spreadsheet (see the module doc).

    Only text is changed; in a ``numeric`` column, text that reads as a finite number is kept.
    """
    if not isinstance(value, str):
        return value
    if numeric and _is_number(value):
        return value
    if value.startswith((*FORMULA_PREFIXES, ESCAPE)):
        return ESCAPE + value
    return value


def neutralise_row(row: dict[str, object], numeric_columns: Collection[str]) -> dict[str, object]:
    """Every cell of ``row`` through ``neutralise`` (``numeric_columns`` keep their numbers)."""
    return {column: neutralise(value, numeric=column in numeric_columns) for column, value in row.items()}
