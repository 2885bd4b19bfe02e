"""Resolve a date expression as written in a news article against the publication date.

:func:`resolve_date` turns "Sunday", "last week", "December 29, 2019" into an ISO value at its
own granularity. It never guesses: anything it cannot resolve gets ``value=None``. The rules
are tried in priority order (explicit dates first, then expressions relative to publication);
the first that recognises the expression decides.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Final

from schemas.events_v1 import EventDate

from .date_patterns import (
    AMBIGUOUS_MONTHS,
    ANCHORED,
    BARE_YEAR,
    FLAGS,
    ISO_DATE,
    ISO_MONTH,
    ISO_WEEK,
    MONTH_INTRODUCERS,
    MONTH_NAMED_DATE,
    MONTH_NUMBERS,
    MONTHS,
    NUMBER_RE,
    NUMERIC_DATE,
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
    infer_year,
    monday_of,
    parse_number,
    search,
    weekday_on_or_after,
    weekday_on_or_before,
)

__all__ = ["resolve_date"]


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


def _rule_iso(text: str, published: dt.date | None, future: bool) -> RuleResult:
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


def _rule_month_names(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """Dates written with a month name; several different dates in one expression stop."""
    hint = _year_hint(text, published)
    results = {_resolve_month_match(m, published, future, hint) for m in MONTH_NAMED_DATE.finditer(text)}
    results.discard(None)
    if not results:
        return None
    if len(results) > 1 or Stop.STOP in results:
        return Stop.STOP
    return results.pop()


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


def _rule_bare_year(text: str, published: dt.date | None, future: bool) -> RuleResult:
    """A four-digit year alone: "2019", "in 2019"."""
    years = {m.group(1) for m in BARE_YEAR.finditer(text)}
    if not years:
        return None
    return as_year(int(years.pop())) if len(years) == 1 else Stop.STOP


#: Rules in priority order: explicit dates first, then expressions relative to publication.
_RULES: Final[tuple[Rule, ...]] = (
    _rule_iso,
    _rule_month_names,
    _rule_day_words,
    _rule_ago,
    _rule_weekday,
    _rule_weeks,
    _rule_months_and_years,
    _rule_bare_year,
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
