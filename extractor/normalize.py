"""Everything about an event that code can derive instead of asking the LLM.

* :func:`resolve_date` turns a date expression as written in an article ("Sunday", "last week",
  "December 29, 2019") into an ISO value at its own granularity, using the publication date for
  relative expressions. It never guesses: anything it cannot resolve gets ``value=None``.
* :func:`acled_categories` maps an ACLED sub-event type to its event type and disorder type.
* :func:`fatalities` applies ACLED's rule (the lowest reported killed figure).
* :func:`normalize_country`, :func:`country_key` and :func:`normalize_location` recognise
  country names with ``pycountry``.

Only the standard library, ``pycountry`` and ``schemas.events_v1`` are imported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Final, Protocol, TypeAlias

import pycountry

from schemas.events_v1 import AcledEventType, DatePrecision, DisorderType, EventDate, Location, SubEventType

__all__ = [
    "ACLED_CATEGORIES",
    "NUMBER_WORDS",
    "HasKindAndCount",
    "acled_categories",
    "country_key",
    "fatalities",
    "normalize_country",
    "normalize_location",
    "resolve_date",
]

# =========================================================================== dates

_FLAGS: Final = re.IGNORECASE | re.ASCII


class _Stop(enum.Enum):
    """A rule recognised the expression but it cannot be resolved: stop, value ``None``."""

    STOP = enum.auto()


_Resolution: TypeAlias = tuple[str, DatePrecision]
#: What a rule returns: a resolution, ``None`` (not mine, try the next rule) or ``_Stop.STOP``.
_RuleResult: TypeAlias = _Resolution | _Stop | None
_Rule: TypeAlias = Callable[[str, dt.date | None, bool], _RuleResult]

_WEEKDAYS: Final[dict[str, int]] = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS: Final[dict[str, int]] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_ABBREVIATIONS: Final[dict[str, int]] = {
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_MONTH_NUMBERS: Final[dict[str, int]] = {**_MONTHS, **_MONTH_ABBREVIATIONS}
#: Month names that are also ordinary English words: recognised alone only when capitalised
#: or introduced by a word that makes them a month ("in may", "late march").
_AMBIGUOUS_MONTHS: Final = frozenset({"may", "march"})

#: Number words as news writes them (shared with ``grounding.count_in_quote``).
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


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so that prefixes do not win."""
    return "|".join(sorted(words, key=len, reverse=True))


_WEEKDAY_RE: Final = _alternation(_WEEKDAYS)
_MONTH_FULL_RE: Final = _alternation(_MONTHS)
_MONTH_ANY_RE: Final = _alternation(_MONTH_NUMBERS)
_ORDINAL: Final = r"(?:st|nd|rd|th)?"
_RANGE_JOINER: Final = r"(?:-|\u2013|\u2014|to|and|or|through|until)"
_NUMBER_RE: Final = r"(?:[0-9]{1,4}|" + _alternation(NUMBER_WORDS) + ")"


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
    return re.compile("|".join(f"(?:{p})" for p in (dmy, mdy, my, bare)), _FLAGS)


_MONTH_NAMED_DATE: Final = _month_named_date_re()
_ISO_DATE: Final = re.compile(r"(?<![0-9])([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])", _FLAGS)
_ISO_WEEK: Final = re.compile(r"(?<![0-9])([0-9]{4})-?W([0-9]{1,2})(?![0-9])", _FLAGS)
_ISO_MONTH: Final = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{1,2})(?![0-9-])", _FLAGS)
_NUMERIC_DATE: Final = re.compile(
    r"(?<![0-9/.])([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{4})(?![0-9/.])", _FLAGS
)
_BARE_YEAR: Final = re.compile(r"(?<![0-9/.-])\b(1[0-9]{3}|2[0-9]{3})\b(?![0-9/-])", _FLAGS)
_MONTH_INTRODUCERS: Final = frozenset({"in", "early", "mid", "late", "last", "next", "this", "during", "of"})

#: Expressions anchored on something other than the publication date: "two days after",
#: "the following day", "since Sunday". They are never resolved.
_ANCHORED: Final = re.compile(
    r"\b(?:minutes?|hours?|days?|nights?|weeks?|weekends?|months?|years?)\s+"
    r"(?:after|before|later|earlier|prior|following|since)\b(?!\s+(?:yesterday|tomorrow)\b)"
    r"|\b(?:following|previous|preceding|same|that|prior)\s+"
    r"(?:day|night|morning|afternoon|evening|week|weekend|month|year)\b"
    r"|\bthe\s+next\s+(?:day|night|morning|afternoon|evening)\b"
    r"|(?<!\bday\s)\b(?:after|since|following|until|till|before|by)\s+"
    r"(?:the\s+)?(?:last\s+|this\s+|early\s+|late\s+)?"
    r"(?:" + _WEEKDAY_RE + "|" + _MONTH_FULL_RE + r"|yesterday|today|tonight|last|this)\b",
    _FLAGS,
)


def _day(value: dt.date) -> _Resolution:
    """A day-precision resolution."""
    return value.isoformat(), "day"


def _week(value: dt.date) -> _Resolution:
    """The ISO week containing ``value``."""
    year, week, _ = value.isocalendar()
    return f"{year:04d}-W{week:02d}", "week"


def _month(year: int, month: int) -> _Resolution:
    """A month-precision resolution; ``month`` may be out of 1..12 and is carried into the year."""
    year, index = divmod(year * 12 + month - 1, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("year out of range")
    return f"{year:04d}-{index + 1:02d}", "month"


def _year(year: int) -> _Resolution:
    """A year-precision resolution."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("year out of range")
    return f"{year:04d}", "year"


def _search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` occurs in ``text`` (case-insensitive, ASCII word boundaries)."""
    return re.search(pattern, text, _FLAGS) is not None


def _parse_number(word: str) -> int:
    """A cardinal given as digits or as a word from one to ten ("a"/"an" count as one)."""
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _weekday_on_or_before(reference: dt.date, weekday: int) -> dt.date:
    """The most recent ``weekday`` on or before ``reference``."""
    return reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)


def _weekday_on_or_after(reference: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` on or after ``reference``."""
    return reference + dt.timedelta(days=(weekday - reference.weekday()) % 7)


def _monday_of(reference: dt.date) -> dt.date:
    """The Monday of ``reference``'s ISO week."""
    return reference - dt.timedelta(days=reference.weekday())


def _infer_year(month: int, day: int, published: dt.date, *, future: bool) -> dt.date | None:
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


def _numeric_date(first: int, second: int, year: int) -> _RuleResult:
    """Numeric "29/12/2019" or "12/29/2019": resolved only when the order of day and month is unambiguous."""
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first or first == second:
        day, month = second, first
    else:
        return _Stop.STOP
    try:
        return _day(dt.date(year, month, day))
    except ValueError:
        return _Stop.STOP


def _rule_iso(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """ISO forms ("2019-12-30", "2019-W51", "2019-12") and unambiguous numeric ones ("29/12/2019")."""
    found = _ISO_DATE.search(text)
    if found:
        year, month, day = int(found.group(1)), int(found.group(3)), int(found.group(4))
        try:
            return _day(dt.date(year, month, day))
        except ValueError:
            return _Stop.STOP
    found = _NUMERIC_DATE.search(text)
    if found:
        return _numeric_date(int(found.group(1)), int(found.group(3)), int(found.group(4)))
    found = _ISO_WEEK.search(text)
    if found:
        year, week = int(found.group(1)), int(found.group(2))
        try:
            return _week(dt.date.fromisocalendar(year, week, 1))
        except ValueError:
            return _Stop.STOP
    found = _ISO_MONTH.search(text)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        return _month(year, month) if 1 <= month <= 12 and year >= dt.MINYEAR else _Stop.STOP
    return None


def _year_hint(text: str, published: dt.date | None) -> int | None:
    """The year named by "last year" / "this year" / "next year" in ``text``, if any."""
    if published is None:
        return None
    for pattern, offset in ((r"\blast\s+year\b", -1), (r"\bthis\s+year\b", 0), (r"\bnext\s+year\b", 1)):
        if _search(pattern, text):
            return published.year + offset
    return None


def _resolve_month_match(
    found: re.Match[str], published: dt.date | None, future: bool, year_hint: int | None
) -> _RuleResult:
    """Resolve one match of :data:`_MONTH_NAMED_DATE`; ``year_hint`` supplies a missing year."""
    if found.group("d0") or found.group("range"):
        return _Stop.STOP  # a range of days: "28-29 December", "December 29 and 30"
    for month_group, day_group, year_group in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
        if found.group(month_group):
            month = _MONTH_NUMBERS[found.group(month_group).lower()]
            day = int(found.group(day_group))
            year = int(found.group(year_group)) if found.group(year_group) else year_hint
            if year is not None:
                try:
                    return _day(dt.date(year, month, day))
                except ValueError:
                    return _Stop.STOP
            if published is None or not 1 <= day <= calendar.monthrange(2000, month)[1]:
                return _Stop.STOP
            inferred = _infer_year(month, day, published, future=future)
            return _Stop.STOP if inferred is None else _day(inferred)
    if found.group("m3"):
        return _month(int(found.group("y3")), _MONTH_NUMBERS[found.group("m3").lower()])
    name = found.group("m4")
    before = (found.group("before") or "").strip(" \t\r\n-").lower()
    if name.lower() in _AMBIGUOUS_MONTHS and not name[0].isupper() and before not in _MONTH_INTRODUCERS:
        return None  # "may" / "march" as a verb
    if published is None:
        return _Stop.STOP
    month = _MONTHS[name.lower()]
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
    return _month(year, month)


def _rule_month_names(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """Dates written with a month name; several different dates in one expression stop."""
    hint = _year_hint(text, published)
    results = {_resolve_month_match(m, published, future, hint) for m in _MONTH_NAMED_DATE.finditer(text)}
    results.discard(None)
    if not results:
        return None
    if len(results) > 1 or _Stop.STOP in results:
        return _Stop.STOP
    return results.pop()


def _rule_day_words(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """Day words: "today", "tonight", "this morning", "yesterday", "last night", "tomorrow" and the like."""
    offsets = (
        (r"\bday\s+before\s+yesterday\b", -2),
        (r"\bday\s+after\s+tomorrow\b", 2),
        (r"\byesterday\b|\blast\s+night\b", -1),
        (r"\btomorrow\b", 1),
        (r"\btoday\b|\btonight\b|\bthis\s+(?:morning|afternoon|evening)\b", 0),
    )
    for pattern, offset in offsets:
        if _search(pattern, text):
            return _Stop.STOP if published is None else _day(published + dt.timedelta(days=offset))
    return None


def _rule_ago(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """Counted units back ("two days ago", "3 weeks ago", "a year ago"); hours and vague counts stop."""
    found = re.search(r"\b(?P<n>" + _NUMBER_RE + r")\s+(?P<unit>day|week|month|year)s?\s+ago\b", text, _FLAGS)
    if found is None:
        return _Stop.STOP if _search(r"\bago\b", text) else None
    if published is None:
        return _Stop.STOP
    count, unit = _parse_number(found.group("n")), found.group("unit").lower()
    if unit == "day":
        return _day(published - dt.timedelta(days=count))
    if unit == "week":
        return _week(published - dt.timedelta(weeks=count))
    if unit == "month":
        return _month(published.year, published.month - count)
    return _year(published.year - count)


def _rule_weekday(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """A weekday name, optionally with "last"/"next"/"this" or "last week"/"this week"/"next week"."""
    names = {m.group(1).lower() for m in re.finditer(r"\b(" + _WEEKDAY_RE + r")\b", text, _FLAGS)}
    if not names:
        return None
    if len(names) > 1 or published is None:
        return _Stop.STOP  # "Friday and Saturday": more than one day
    weekday = _WEEKDAYS[names.pop()]
    if _search(r"\b(?:last|past|previous)\s+week\b", text):
        return _day(_monday_of(published) - dt.timedelta(days=7 - weekday))
    if _search(r"\bnext\s+week\b", text):
        return _day(_monday_of(published) + dt.timedelta(days=7 + weekday))
    if _search(r"\bthis\s+week\b", text):
        return _day(_monday_of(published) + dt.timedelta(days=weekday))
    if _search(r"\blast\s+(?:" + _WEEKDAY_RE + r")\b", text):
        return _day(_weekday_on_or_before(published - dt.timedelta(days=1), weekday))
    if _search(r"\bnext\s+(?:" + _WEEKDAY_RE + r")\b", text):
        return _day(_weekday_on_or_after(published + dt.timedelta(days=1), weekday))
    if future:
        return _day(_weekday_on_or_after(published, weekday))
    return _day(_weekday_on_or_before(published, weekday))


def _rule_weeks(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """Weeks: "this week", "earlier this week", "last week", "past week", "next week" and weekends."""
    checks: tuple[tuple[str, Callable[[dt.date], dt.date]], ...] = (
        (r"\b(?:last|past|previous)\s+week\b", lambda p: p - dt.timedelta(days=7)),
        (r"\bnext\s+week\b", lambda p: p + dt.timedelta(days=7)),
        (r"\bthis\s+week\b", lambda p: p),
        (r"\blast\s+weekend\b", lambda p: p - dt.timedelta(days=7)),
        (r"\bweekend\b", lambda p: p if p.weekday() >= 5 or future else p - dt.timedelta(days=7)),
    )
    if _search(r"\bnext\s+weekend\b", text):
        return _Stop.STOP  # this weekend or the one after? English does not say
    for pattern, reference in checks:
        if _search(pattern, text):
            return _Stop.STOP if published is None else _week(reference(published))
    return None


def _rule_months_and_years(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """Months and years: "this month", "late last month", "next month", "earlier this year", "last year"."""
    month_offsets = ((r"\blast\s+month\b", -1), (r"\bnext\s+month\b", 1), (r"\bthis\s+month\b", 0))
    year_offsets = ((r"\blast\s+year\b", -1), (r"\bnext\s+year\b", 1), (r"\bthis\s+year\b", 0))
    for pattern, offset in month_offsets:
        if _search(pattern, text):
            return _Stop.STOP if published is None else _month(published.year, published.month + offset)
    for pattern, offset in year_offsets:
        if _search(pattern, text):
            return _Stop.STOP if published is None else _year(published.year + offset)
    return None


def _rule_bare_year(text: str, published: dt.date | None, future: bool) -> _RuleResult:
    """A four-digit year alone: "2019", "in 2019"."""
    years = {m.group(1) for m in _BARE_YEAR.finditer(text)}
    if not years:
        return None
    return _year(int(years.pop())) if len(years) == 1 else _Stop.STOP


#: Rules in priority order: explicit dates first, then expressions relative to publication.
_RULES: Final[tuple[_Rule, ...]] = (
    _rule_iso,
    _rule_month_names,
    _rule_day_words,
    _rule_ago,
    _rule_weekday,
    _rule_weeks,
    _rule_months_and_years,
    _rule_bare_year,
)


def _resolve(text: str, published: dt.date | None, future: bool) -> _Resolution | None:
    """Apply the rules in order; the first one that recognises the expression decides."""
    if _ANCHORED.search(text):
        return None
    for rule in _RULES:
        result = rule(text, published, future)
        if result is _Stop.STOP:
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


# =========================================================================== ACLED categories

#: ACLED's sub-event type -> (event type, disorder type).
ACLED_CATEGORIES: Final[dict[SubEventType, tuple[AcledEventType, DisorderType]]] = {
    "Armed clash": ("Battles", "Political violence"),
    "Government regains territory": ("Battles", "Political violence"),
    "Non-state actor overtakes territory": ("Battles", "Political violence"),
    "Chemical weapon": ("Explosions/Remote violence", "Political violence"),
    "Air/drone strike": ("Explosions/Remote violence", "Political violence"),
    "Suicide bomb": ("Explosions/Remote violence", "Political violence"),
    "Shelling/artillery/missile attack": ("Explosions/Remote violence", "Political violence"),
    "Remote explosive/landmine/IED": ("Explosions/Remote violence", "Political violence"),
    "Grenade": ("Explosions/Remote violence", "Political violence"),
    "Sexual violence": ("Violence against civilians", "Political violence"),
    "Attack": ("Violence against civilians", "Political violence"),
    "Abduction/forced disappearance": ("Violence against civilians", "Political violence"),
    "Peaceful protest": ("Protests", "Demonstrations"),
    "Protest with intervention": ("Protests", "Demonstrations"),
    "Excessive force against protesters": ("Protests", "Political violence; Demonstrations"),
    "Violent demonstration": ("Riots", "Demonstrations"),
    "Mob violence": ("Riots", "Political violence"),
    "Agreement": ("Strategic developments", "Strategic developments"),
    "Arrests": ("Strategic developments", "Strategic developments"),
    "Change to group/activity": ("Strategic developments", "Strategic developments"),
    "Disrupted weapons use": ("Strategic developments", "Strategic developments"),
    "Headquarters or base established": ("Strategic developments", "Strategic developments"),
    "Looting/property destruction": ("Strategic developments", "Strategic developments"),
    "Non-violent transfer of territory": ("Strategic developments", "Strategic developments"),
    "Other": ("Strategic developments", "Strategic developments"),
}


def acled_categories(event_type: SubEventType) -> tuple[AcledEventType, DisorderType]:
    """ACLED's event type and disorder type for a sub-event type."""
    return ACLED_CATEGORIES[event_type]


# =========================================================================== fatalities


class HasKindAndCount(Protocol):
    """Anything with a casualty ``kind`` ("killed"/"injured") and a ``count``: drafts and claims."""

    @property
    def kind(self) -> str:
        """Either "killed" or "injured"."""
        ...

    @property
    def count(self) -> int:
        """The number reported."""
        ...


def fatalities(claims: Iterable[HasKindAndCount]) -> int | None:
    """ACLED's rule: the lowest reported killed figure; ``None`` when nothing was reported killed."""
    return min((claim.count for claim in claims if claim.kind == "killed"), default=None)


# =========================================================================== countries

#: Common English names that ``pycountry`` does not resolve (or resolves ambiguously) -> alpha-3.
_COUNTRY_ALIASES: Final[dict[str, str]] = {
    "uk": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "us": "USA",
    "usa": "USA",
    "america": "USA",
    "united states of america": "USA",
    "russia": "RUS",
    "south korea": "KOR",
    "north korea": "PRK",
    "ivory coast": "CIV",
    "drc": "COD",
    "dr congo": "COD",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "congo-kinshasa": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "congo-brazzaville": "COG",
    "palestine": "PSE",
    "palestinian territories": "PSE",
    "palestinian territory": "PSE",
    "occupied palestinian territories": "PSE",
    "burma": "MMR",
    "laos": "LAO",
    "vietnam": "VNM",
    "syria": "SYR",
    "iran": "IRN",
    "turkey": "TUR",
    "czech republic": "CZE",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "cape verde": "CPV",
    "east timor": "TLS",
    "moldova": "MDA",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "vatican": "VAT",
}


def _clean_country(name: str) -> str:
    """Fold a country string for lookup: trim, drop a leading "the", dots and extra spaces."""
    cleaned = " ".join(name.replace(".", "").split())
    cleaned = re.sub(r"^the\s+", "", cleaned, flags=re.IGNORECASE)
    return cleaned.strip(" ,;:'\"")


def _fold(text: str) -> str:
    """Casefold and drop accents, as ``pycountry.search_fuzzy`` does."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _names_country(query: str, country: Any) -> bool:
    """Whether ``query`` occurs in one of ``country``'s own names (not only in a subdivision's).

    ``search_fuzzy`` also returns a country for one of its subdivisions ("Texas" -> United States,
    "Kosovo" -> Serbia); a country field naming a subdivision is not taken as that country.
    """
    names = (getattr(country, attr, None) for attr in ("name", "official_name", "common_name"))
    return any(_fold(query) in _fold(name) for name in names if isinstance(name, str))


@functools.lru_cache(maxsize=4096)
def _lookup_country(cleaned: str) -> tuple[str, str] | None:
    """(ISO short name, alpha-3) for an already cleaned name, or ``None``."""
    alias = _COUNTRY_ALIASES.get(cleaned.casefold())
    try:
        country = pycountry.countries.lookup(alias or cleaned)
    except LookupError:
        try:
            matches = pycountry.countries.search_fuzzy(cleaned)
        except LookupError:
            return None
        if len(matches) != 1 or not _names_country(cleaned, matches[0]):
            return None
        country = matches[0]
    return str(country.name), str(country.alpha_3)


def normalize_country(name: str | None) -> tuple[str | None, str | None]:
    """(ISO 3166 short name, alpha-3) for a country as written, or ``(None, None)`` if unknown.

    "Syria" -> ("Syrian Arab Republic", "SYR"); "U.S.", "USA", "the United States" -> USA.
    """
    if name is None:
        return None, None
    cleaned = _clean_country(name)
    found = _lookup_country(cleaned) if cleaned else None
    return (None, None) if found is None else found


def country_key(name: str | None) -> str | None:
    """A key for comparing country strings: alpha-3 when recognised, else the casefolded name."""
    if name is None or not name.strip():
        return None
    return normalize_country(name)[1] or name.strip().casefold()


def _blank_to_none(value: str | None) -> str | None:
    """``value`` stripped, or ``None`` when it is missing or blank."""
    return value.strip() or None if value is not None else None


def normalize_location(country: str | None, place: str | None) -> Location:
    """A :class:`Location` with the country recognised; blank strings become ``None``."""
    country, place = _blank_to_none(country), _blank_to_none(place)
    country_name, country_code = normalize_country(country)
    return Location(country=country, country_name=country_name, country_code=country_code, place=place)
