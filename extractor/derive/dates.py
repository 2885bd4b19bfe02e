"""Resolve a date expression as written in a news article against the publication date.

:func:`resolve_date` turns "Sunday", "last week", "December 29, 2019" into an ISO value at its
own granularity. It never guesses: anything it cannot resolve gets ``value=None``. The rules
are tried in priority order (explicit dates first, ``explicit_dates.py``, then expressions relative
to publication, here); the first that recognises the expression decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Final

from schemas.events_v1 import EventDate

from .date_patterns import (
    ANCHORED,
    FLAGS,
    NUMBER_RE,
    WEEKDAY_RE,
    WEEKDAYS,
    Resolution,
    Rule,
    RuleResult,
    Stop,
    as_day,
    as_month,
    as_week,
    as_year,
    monday_of,
    parse_number,
    search,
    weekday_on_or_after,
    weekday_on_or_before,
)
from .explicit_dates import rule_bare_year, rule_iso, rule_month_names

__all__ = ["resolve_date"]


def _rule_day_words(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """Day words: "today", "tonight", "this morning", "yesterday", "last night", "tomorrow" and the like."""
    offsets = (
        (r"\bday\s+before\s+yesterday\b", -2),
        (r"\bday\s+after\s+tomorrow\b", 2),
        (r"\byesterday\b|\blast\s+night\b", -1),
        (r"\btomorrow\b", 1),
        (r"\btoday\b|\btonight\b|\bthis\s+(?:morning|afternoon|evening)\b", 0),
    )
    for pattern, offset in offsets:
        if search(pattern, text):
            return Stop.STOP if published is None else as_day(published + dt.timedelta(days=offset))
    return None


def _rule_ago(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """Counted units back ("two days ago", "3 weeks ago", "a year ago"); hours and vague counts stop."""
    found = re.search(r"\b(?P<n>" + NUMBER_RE + r")\s+(?P<unit>day|week|month|year)s?\s+ago\b", text, FLAGS)
    if found is None:
        return Stop.STOP if search(r"\bago\b", text) else None
    if published is None:
        return Stop.STOP
    count, unit = parse_number(found.group("n")), found.group("unit").lower()
    if unit == "day":
        return as_day(published - dt.timedelta(days=count))
    if unit == "week":
        return as_week(published - dt.timedelta(weeks=count))
    if unit == "month":
        return as_month(published.year, published.month - count)
    return as_year(published.year - count)


def _rule_weekday(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """A weekday name, optionally with "last"/"next"/"this" or "last week"/"this week"/"next week"."""
    names = {m.group(1).lower() for m in re.finditer(r"\b(" + WEEKDAY_RE + r")\b", text, FLAGS)}
    if not names:
        return None
    if len(names) > 1 or published is None:
        return Stop.STOP  # "Friday and Saturday": more than one day
    weekday = WEEKDAYS[names.pop()]
    if search(r"\b(?:last|past|previous)\s+week\b", text):
        return as_day(monday_of(published) - dt.timedelta(days=7 - weekday))
    if search(r"\bnext\s+week\b", text):
        return as_day(monday_of(published) + dt.timedelta(days=7 + weekday))
    if search(r"\bthis\s+week\b", text):
        return as_day(monday_of(published) + dt.timedelta(days=weekday))
    if search(r"\blast\s+(?:" + WEEKDAY_RE + r")\b", text):
        return as_day(weekday_on_or_before(published - dt.timedelta(days=1), weekday))
    if search(r"\bnext\s+(?:" + WEEKDAY_RE + r")\b", text):
        return as_day(weekday_on_or_after(published + dt.timedelta(days=1), weekday))
    if future:
        return as_day(weekday_on_or_after(published, weekday))
    return as_day(weekday_on_or_before(published, weekday))


def _rule_weeks(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """Weeks: "this week", "earlier this week", "last week", "past week", "next week" and weekends."""
    checks: tuple[tuple[str, Callable[[dt.date], dt.date]], ...] = (
        (r"\b(?:last|past|previous)\s+week\b", lambda p: p - dt.timedelta(days=7)),
        (r"\bnext\s+week\b", lambda p: p + dt.timedelta(days=7)),
        (r"\bthis\s+week\b", lambda p: p),
        (r"\blast\s+weekend\b", lambda p: p - dt.timedelta(days=7)),
        (r"\bweekend\b", lambda p: p if p.weekday() >= 5 or future else p - dt.timedelta(days=7)),
    )
    if search(r"\bnext\s+weekend\b", text):
        return Stop.STOP  # this weekend or the one after? English does not say
    for pattern, reference in checks:
        if search(pattern, text):
            return Stop.STOP if published is None else as_week(reference(published))
    return None


def _rule_months_and_years(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """Months and years: "this month", "late last month", "next month", "earlier this year", "last year"."""
    month_offsets = ((r"\blast\s+month\b", -1), (r"\bnext\s+month\b", 1), (r"\bthis\s+month\b", 0))
    year_offsets = ((r"\blast\s+year\b", -1), (r"\bnext\s+year\b", 1), (r"\bthis\s+year\b", 0))
    for pattern, offset in month_offsets:
        if search(pattern, text):
            return Stop.STOP if published is None else as_month(published.year, published.month + offset)
    for pattern, offset in year_offsets:
        if search(pattern, text):
            return Stop.STOP if published is None else as_year(published.year + offset)
    return None


#: Rules in priority order: explicit dates first, then expressions relative to publication.
_RULES: Final[tuple[Rule, ...]] = (
    rule_iso,
    rule_month_names,
    _rule_day_words,
    _rule_ago,
    _rule_weekday,
    _rule_weeks,
    _rule_months_and_years,
    rule_bare_year,
)


def _resolve(text: str, published: dt.date | None, future: bool) -> Resolution | None:
    """Apply the rules in order; the first one that recognises the expression decides."""
    if ANCHORED.search(text):
        return None
    for rule in _RULES:
        result = rule(text, published, future)
        if result is Stop.STOP:
            return None
        if result is not None:
            return result
    return None


def resolve_date(text: str | None, published: dt.date | None, *, future: bool = False) -> EventDate:
    """Resolve a date expression as written in a news article against the publication date.

    Handles, case-insensitively and with surrounding words tolerated:

    * weekdays ("Sunday", "late Friday", "Tuesday morning"): the most recent such day on or before
      publication, or on or after it when ``future``; "last Sunday" is strictly before,
      "Sunday last week" is in the previous ISO week;
    * "today", "tonight", "this morning", "yesterday", "last night", "tomorrow";
    * "N days/weeks/months/years ago" (digits or one..ten);
    * "this week", "last week", "past week", "next week", "the weekend" -> ISO week ``YYYY-Www``;
    * "this month", "late last month" -> ``YYYY-MM``; "earlier this year", "last year" -> ``YYYY``;
    * month names with or without day and year ("December 29, 2019", "29 Dec 2019", "Dec. 29",
      "January 2020", "late October"); a missing year is inferred from publication as for weekdays;
    * ISO "2019-12-30", "2019-W51", "2019-12", numeric "29/12/2019" when day and month cannot be
      swapped, and a bare year "2019".

    Expressions anchored on another event ("two days after", "the following day", "since Sunday"),
    ranges ("Friday and Saturday", "28-29 December") and anything unrecognised get ``value=None``:
    the function never guesses and never raises. Without ``published`` only absolute dates resolve.
    """
    if not text:
        return EventDate(text=text)
    try:
        resolution = _resolve(text, published, future)
    except (ValueError, OverflowError):  # arithmetic beyond datetime's years 1..9999
        resolution = None
    if resolution is None:
        return EventDate(text=text)
    value, precision = resolution
    return EventDate(text=text, value=value, precision=precision)
