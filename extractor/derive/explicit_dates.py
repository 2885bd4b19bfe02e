"""The date rules for dates written out: ISO and numeric forms, month names, a bare year.

Tried by :func:`extractor.derive.dates.resolve_date` before the expressions relative to
publication. A month name without a year takes it from "last year" / "this year" / "next year" in
the expression, else infers it from publication.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .date_patterns import (
    AMBIGUOUS_MONTHS,
    BARE_YEAR,
    ISO_DATE,
    ISO_MONTH,
    ISO_WEEK,
    MONTH_INTRODUCERS,
    MONTH_NAMED_DATE,
    MONTH_NUMBERS,
    MONTHS,
    NUMERIC_DATE,
    RuleResult,
    Stop,
    as_day,
    as_month,
    as_week,
    as_year,
    infer_year,
    search,
)

__all__ = ["rule_bare_year", "rule_iso", "rule_month_names"]


def _numeric_date(first: int, second: int, year: int) -> RuleResult:
    """Numeric "29/12/2019" or "12/29/2019": resolved only when the order of day and month is unambiguous."""
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first or first == second:
        day, month = second, first
    else:
        return Stop.STOP
    try:
        return as_day(dt.date(year, month, day))
    except ValueError:
        return Stop.STOP


def rule_iso(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """ISO forms ("2019-12-30", "2019-W51", "2019-12") and unambiguous numeric ones ("29/12/2019")."""
    found = ISO_DATE.search(text)
    if found:
        year, month, day = int(found.group(1)), int(found.group(3)), int(found.group(4))
        try:
            return as_day(dt.date(year, month, day))
        except ValueError:
            return Stop.STOP
    found = NUMERIC_DATE.search(text)
    if found:
        return _numeric_date(int(found.group(1)), int(found.group(3)), int(found.group(4)))
    found = ISO_WEEK.search(text)
    if found:
        year, week = int(found.group(1)), int(found.group(2))
        try:
            return as_week(dt.date.fromisocalendar(year, week, 1))
        except ValueError:
            return Stop.STOP
    found = ISO_MONTH.search(text)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        return as_month(year, month) if 1 <= month <= 12 and year >= dt.MINYEAR else Stop.STOP
    return None


def _year_hint(text: str, published: dt.date | None) -> int | None:
    """The year named by "last year" / "this year" / "next year" in ``text``, if any."""
    if published is None:
        return None
    for pattern, offset in ((r"\blast\s+year\b", -1), (r"\bthis\s+year\b", 0), (r"\bnext\s+year\b", 1)):
        if search(pattern, text):
            return published.year + offset
    return None


def _resolve_month_match(
    found: re.Match[str], published: dt.date | None, future: bool, year_hint: int | None
) -> RuleResult:
    """Resolve one match of :data:`MONTH_NAMED_DATE`; ``year_hint`` supplies a missing year."""
    if found.group("d0") or found.group("range"):
        return Stop.STOP  # a range of days: "28-29 December", "December 29 and 30"
    for month_group, day_group, year_group in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
        if found.group(month_group):
            month = MONTH_NUMBERS[found.group(month_group).lower()]
            day = int(found.group(day_group))
            year = int(found.group(year_group)) if found.group(year_group) else year_hint
            if year is not None:
                try:
                    return as_day(dt.date(year, month, day))
                except ValueError:
                    return Stop.STOP
            if published is None or not 1 <= day <= calendar.monthrange(2000, month)[1]:
                return Stop.STOP
            inferred = infer_year(month, day, published, future=future)
            return Stop.STOP if inferred is None else as_day(inferred)
    if found.group("m3"):
        return as_month(int(found.group("y3")), MONTH_NUMBERS[found.group("m3").lower()])
    name = found.group("m4")
    before = (found.group("before") or "").strip(" \t\r\n-").lower()
    if name.lower() in AMBIGUOUS_MONTHS and not name[0].isupper() and before not in MONTH_INTRODUCERS:
        return None  # "may" / "march" as a verb
    if published is None:
        return Stop.STOP
    month = MONTHS[name.lower()]
    if year_hint is not None:
        year = year_hint
    elif before == "last":
        year = published.year if month < published.month else published.year - 1
    elif before == "next":
        year = published.year if month > published.month else published.year + 1
    elif future:
        year = published.year if month >= published.month else published.year + 1
    else:
        year = published.year if month <= published.month else published.year - 1
    return as_month(year, month)


def rule_month_names(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """Dates written with a month name; several different dates in one expression stop."""
    hint = _year_hint(text, published)
    results = {_resolve_month_match(m, published, future, hint) for m in MONTH_NAMED_DATE.finditer(text)}
    results.discard(None)
    if not results:
        return None
    if len(results) > 1 or Stop.STOP in results:
        return Stop.STOP
    return results.pop()


def rule_bare_year(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """A four-digit year alone: "2019", "in 2019"."""
    years = {m.group(1) for m in BARE_YEAR.finditer(text)}
    if not years:
        return None
    return as_year(int(years.pop())) if len(years) == 1 else Stop.STOP
