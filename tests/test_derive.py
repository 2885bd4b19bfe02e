"""Tests for extractor.derive: dates, ACLED categories, fatalities and countries."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.derive import (
    ACLED_CATEGORIES,
    acled_categories,
    fatalities,
    resolve_country,
    resolve_date,
)
from schemas.events_v1 import (
    AcledEventType,
    CasualtyDraft,
    DisorderType,
    EventDate,
    SubEventType,
)

#: Tuesday. Its ISO week is 2020-W01 (Monday 2019-12-30 .. Sunday 2020-01-05).
PUB = dt.date(2019, 12, 31)

WEEKDAY_NAMES = list(calendar.day_name)
#: Publication dates far enough from datetime's limits for a week either way.
SAFE_DATES = st.dates(min_value=dt.date(1, 1, 8), max_value=dt.date(9999, 12, 24))


def resolved(
    text: str | None, published: dt.date | None = PUB, *, future: bool = False
) -> tuple[str | None, str | None]:
    """(value, precision) of ``resolve_date``."""
    result = resolve_date(text, published, future=future)
    return result.value, result.precision


# --------------------------------------------------------------------------- resolve_date: tables


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sunday", "2019-12-29"),
        ("on Sunday", "2019-12-29"),
        ("Sunday's", "2019-12-29"),
        ("late Friday", "2019-12-27"),
        ("Friday night", "2019-12-27"),
        ("early on Saturday", "2019-12-28"),
        ("Monday", "2019-12-30"),
        ("Wednesday", "2019-12-25"),
        ("SUNDAY", "2019-12-29"),
        ("sunday", "2019-12-29"),
        ("Sunday\u2019s attack", "2019-12-29"),
    ],
)
def test_bare_weekday_resolves_to_most_recent_on_or_before_publication(text: str, expected: str) -> None:
    assert resolved(text) == (expected, "day")


def test_weekday_of_publication_day_resolves_to_publication_day() -> None:
    assert resolved("Tuesday morning") == ("2019-12-31", "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Tuesday", "2019-12-31"), ("Wednesday", "2020-01-01"), ("on Monday", "2020-01-06")],
)
def test_weekday_with_future_resolves_to_next_on_or_after_publication(text: str, expected: str) -> None:
    assert resolved(text, future=True) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last Tuesday", "2019-12-24"),
        ("last Sunday", "2019-12-29"),
        ("next Tuesday", "2020-01-07"),
        ("Sunday last week", "2019-12-29"),
        ("Wednesday last week", "2019-12-25"),
        ("Thursday this week", "2020-01-02"),
        ("Monday next week", "2020-01-06"),
    ],
)
def test_weekday_with_last_next_or_week_qualifier_resolves_relative_to_that_week(
    text: str, expected: str
) -> None:
    assert resolved(text) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", "2019-12-31"),
        ("earlier today", "2019-12-31"),
        ("this morning", "2019-12-31"),
        ("tonight", "2019-12-31"),
        ("Today", "2019-12-31"),
        ("yesterday", "2019-12-30"),
        ("yesterday afternoon", "2019-12-30"),
        ("last night", "2019-12-30"),
        ("the day before yesterday", "2019-12-29"),
        ("tomorrow", "2020-01-01"),
    ],
)
def test_day_words_resolve_relative_to_publication_day(text: str, expected: str) -> None:
    assert resolved(text) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two days ago", ("2019-12-29", "day")),
        ("3 days ago", ("2019-12-28", "day")),
        ("ten days ago", ("2019-12-21", "day")),
        ("a day ago", ("2019-12-30", "day")),
        ("a week ago", ("2019-W52", "week")),
        ("two months ago", ("2019-10", "month")),
        ("a year ago", ("2018", "year")),
    ],
)
def test_counted_units_ago_resolve_back_from_publication(text: str, expected: tuple[str, str]) -> None:
    assert resolved(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("last week", dt.date(2019, 12, 27), "2019-W51"),
        ("last week", PUB, "2019-W52"),
        ("past week", PUB, "2019-W52"),
        ("Last Week", PUB, "2019-W52"),
        ("this week", PUB, "2020-W01"),
        ("earlier this week", PUB, "2020-W01"),
        ("next week", PUB, "2020-W02"),
        ("over the weekend", PUB, "2019-W52"),
        ("over the weekend", dt.date(2019, 12, 29), "2019-W52"),
        ("last weekend", dt.date(2019, 12, 29), "2019-W51"),
    ],
)
def test_week_expressions_resolve_to_iso_weeks(text: str, published: dt.date, expected: str) -> None:
    assert resolved(text, published) == (expected, "week")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("earlier this month", ("2019-12", "month")),
        ("this month", ("2019-12", "month")),
        ("last month", ("2019-11", "month")),
        ("late last month", ("2019-11", "month")),
        ("next month", ("2020-01", "month")),
        ("earlier this year", ("2019", "year")),
        ("last year", ("2018", "year")),
    ],
)
def test_month_and_year_expressions_resolve_relative_to_publication(
    text: str, expected: tuple[str, str]
) -> None:
    assert resolved(text) == expected


def test_last_month_in_january_is_december_of_previous_year() -> None:
    assert resolved("last month", dt.date(2020, 1, 15)) == ("2019-12", "month")


@pytest.mark.parametrize(
    "text",
    [
        "December 29, 2019",
        "Dec 29, 2019",
        "Dec. 29, 2019",
        "29 December 2019",
        "29th of December, 2019",
        "December 29th 2019",
        "Sunday, December 29, 2019",
        "on Dec. 29",
        "December 29",
        "29 December",
        "2019-12-29",
        "2019/12/29",
        "29/12/2019",
        "29.12.2019",
        "12/29/2019",
    ],
)
def test_explicit_day_dates_resolve_to_that_day(text: str) -> None:
    assert resolved(text) == ("2019-12-29", "day")


@pytest.mark.parametrize(
    ("text", "published", "future", "expected"),
    [
        ("January 5", PUB, False, "2019-01-05"),
        ("January 5", PUB, True, "2020-01-05"),
        ("December 31", PUB, False, "2019-12-31"),
        ("Feb. 29", dt.date(2021, 3, 1), False, "2020-02-29"),
        ("December 29 last year", PUB, False, "2018-12-29"),
    ],
)
def test_day_and_month_without_year_take_the_year_from_publication(
    text: str, published: dt.date, future: bool, expected: str
) -> None:
    assert resolved(text, published, future=future) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("January", False, "2019-01"),
        ("in January", False, "2019-01"),
        ("in January", True, "2020-01"),
        ("December", False, "2019-12"),
        ("late October", False, "2019-10"),
        ("mid-October", False, "2019-10"),
        ("in April", False, "2019-04"),
        ("in May", False, "2019-05"),
        ("January 2020", False, "2020-01"),
        ("late October 2018", False, "2018-10"),
        ("Dec 2017", False, "2017-12"),
        ("last December", False, "2018-12"),
        ("December last year", False, "2018-12"),
        ("2019-11", False, "2019-11"),
    ],
)
def test_month_names_resolve_to_months(text: str, future: bool, expected: str) -> None:
    assert resolved(text, future=future) == (expected, "month")


@pytest.mark.parametrize(
    ("text", "expected"), [("2019", "2019"), ("in 2018", "2018"), ("early 2017", "2017")]
)
def test_bare_year_resolves_to_year(text: str, expected: str) -> None:
    assert resolved(text) == (expected, "year")


def test_iso_week_resolves_to_week() -> None:
    assert resolved("2019-W51") == ("2019-W51", "week")


@pytest.mark.parametrize(
    "text",
    [
        "two days after the attack",
        "hours after the blast",
        "days after",
        "a day later",
        "the following day",
        "the next morning",
        "the same day",
        "since Sunday",
        "Friday and Saturday",
        "December 28-29",
        "28-29 December 2019",
        "December 28 and 29",
        "several days ago",
        "hours ago",
        "recently",
        "earlier",
        "overnight",
        "next weekend",
        "Feb 30, 2019",
        "2019-02-30",
        "on Sundays",
        "the attack may have been planned",
        "03/04/2019",
        "",
    ],
)
def test_unresolvable_expressions_get_no_value(text: str) -> None:
    assert resolved(text) == (None, None)


def test_missing_text_gives_empty_date() -> None:
    assert resolve_date(None, PUB) == EventDate(text=None, value=None, precision=None)


def test_text_is_kept_as_written() -> None:
    assert resolve_date("late Friday", PUB).text == "late Friday"


@pytest.mark.parametrize(
    "text",
    ["Sunday", "yesterday", "last week", "this month", "last year", "December 29", "January", "two days ago"],
)
def test_relative_expressions_without_publication_date_get_no_value(text: str) -> None:
    assert resolved(text, None) == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("December 29, 2019", ("2019-12-29", "day")),
        ("2019-12-29", ("2019-12-29", "day")),
        ("January 2020", ("2020-01", "month")),
        ("2019", ("2019", "year")),
    ],
)
def test_absolute_dates_resolve_without_publication_date(text: str, expected: tuple[str, str]) -> None:
    assert resolved(text, None) == expected


# --------------------------------------------------------------------------- resolve_date: properties


@given(
    published=SAFE_DATES,
    weekday=st.integers(0, 6),
    prefix=st.sampled_from(["", "on ", "late ", "early "]),
    suffix=st.sampled_from(["", " night", " morning", "'s"]),
)
def test_weekday_property_resolves_within_six_days_before_publication_with_that_weekday(
    published: dt.date, weekday: int, prefix: str, suffix: str
) -> None:
    result = resolve_date(f"{prefix}{WEEKDAY_NAMES[weekday]}{suffix}", published)
    assert result.value is not None
    assert result.precision == "day"
    day = dt.date.fromisoformat(result.value)
    assert 0 <= (published - day).days <= 6
    assert day.weekday() == weekday


@given(published=SAFE_DATES, weekday=st.integers(0, 6))
def test_weekday_property_with_future_resolves_within_six_days_after_publication(
    published: dt.date, weekday: int
) -> None:
    result = resolve_date(WEEKDAY_NAMES[weekday], published, future=True)
    assert result.value is not None
    day = dt.date.fromisoformat(result.value)
    assert 0 <= (day - published).days <= 6
    assert day.weekday() == weekday


@given(text=st.text(), published=st.none() | st.dates(), future=st.booleans())
def test_resolve_date_never_raises_and_keeps_value_and_precision_together(
    text: str, published: dt.date | None, future: bool
) -> None:
    result = resolve_date(text, published, future=future)
    assert result.text == text
    assert (result.value is None) == (result.precision is None)


@given(
    published=st.dates(),
    text=st.sampled_from(["yesterday", "tomorrow", "last week", "next month", "last year"]),
)
def test_relative_expressions_near_datetime_limits_do_not_raise(published: dt.date, text: str) -> None:
    result = resolve_date(text, published)
    assert result.text == text
    assert (result.value is None) == (result.precision is None)


# --------------------------------------------------------------------------- ACLED categories


def test_every_sub_event_type_is_mapped() -> None:
    assert set(ACLED_CATEGORIES) == set(get_args(SubEventType))
    assert len(get_args(SubEventType)) == 25


def test_mapped_categories_are_valid_literals() -> None:
    for event_type, disorder_type in ACLED_CATEGORIES.values():
        assert event_type in get_args(AcledEventType)
        assert disorder_type in get_args(DisorderType)


@pytest.mark.parametrize(
    ("sub_event_type", "expected"),
    [
        ("Armed clash", ("Battles", "Political violence")),
        ("Non-state actor overtakes territory", ("Battles", "Political violence")),
        ("Air/drone strike", ("Explosions/Remote violence", "Political violence")),
        ("Remote explosive/landmine/IED", ("Explosions/Remote violence", "Political violence")),
        ("Abduction/forced disappearance", ("Violence against civilians", "Political violence")),
        ("Peaceful protest", ("Protests", "Demonstrations")),
        ("Protest with intervention", ("Protests", "Demonstrations")),
        ("Excessive force against protesters", ("Protests", "Political violence; Demonstrations")),
        ("Violent demonstration", ("Riots", "Demonstrations")),
        ("Mob violence", ("Riots", "Political violence")),
        ("Arrests", ("Strategic developments", "Strategic developments")),
        ("Other", ("Strategic developments", "Strategic developments")),
    ],
)
def test_acled_categories_follow_acled_codebook(
    sub_event_type: SubEventType, expected: tuple[AcledEventType, DisorderType]
) -> None:
    assert acled_categories(sub_event_type) == expected


def test_each_event_type_has_the_codebook_number_of_sub_event_types() -> None:
    counts: dict[str, int] = {}
    for event_type, _ in ACLED_CATEGORIES.values():
        counts[event_type] = counts.get(event_type, 0) + 1
    assert counts == {
        "Battles": 3,
        "Explosions/Remote violence": 6,
        "Violence against civilians": 3,
        "Protests": 3,
        "Riots": 2,
        "Strategic developments": 8,
    }


# --------------------------------------------------------------------------- fatalities


@dataclasses.dataclass(frozen=True)
class Claim:
    kind: str
    count: int


def draft(kind: str, count: int) -> CasualtyDraft:
    return CasualtyDraft.model_validate({"kind": kind, "count": count, "qualifier": "exact", "quote": "q"})


def test_fatalities_is_lowest_killed_figure() -> None:
    assert fatalities([draft("killed", 12), draft("killed", 9), draft("injured", 3)]) == 9


def test_fatalities_is_none_without_killed_claims() -> None:
    assert fatalities([draft("injured", 4)]) is None
    assert fatalities([]) is None


def test_fatalities_keeps_a_reported_zero() -> None:
    assert fatalities([Claim("killed", 0), Claim("killed", 5)]) == 0


@given(st.lists(st.tuples(st.sampled_from(["killed", "injured"]), st.integers(0, 10_000))))
def test_fatalities_property_equals_min_of_killed_and_ignores_injured(pairs: list[tuple[str, int]]) -> None:
    killed = [count for kind, count in pairs if kind == "killed"]
    assert fatalities(Claim(kind, count) for kind, count in pairs) == (min(killed) if killed else None)


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Syria", ("Syrian Arab Republic", "SYR")),
        ("Iran", ("Iran, Islamic Republic of", "IRN")),
        ("Iraq", ("Iraq", "IRQ")),
        ("US", ("United States", "USA")),
        ("U.S.", ("United States", "USA")),
        ("USA", ("United States", "USA")),
        ("United States", ("United States", "USA")),
        ("the United States", ("United States", "USA")),
        ("  iraq ", ("Iraq", "IRQ")),
        ("IRQ", ("Iraq", "IRQ")),
        ("UK", ("United Kingdom", "GBR")),
        ("Britain", ("United Kingdom", "GBR")),
        ("Russia", ("Russian Federation", "RUS")),
        ("Democratic Republic of Congo", ("Congo, The Democratic Republic of the", "COD")),
        ("Afghanistan", ("Afghanistan", "AFG")),
        ("Nigeria", ("Nigeria", "NGA")),
        ("Yemen", ("Yemen", "YEM")),
    ],
)
def test_resolve_country_recognises_common_forms(name: str, expected: tuple[str, str]) -> None:
    assert resolve_country(name) == expected


@pytest.mark.parametrize("name", [None, "", "   ", "Atlantis", "Middle East", "the", "Korea"])
def test_resolve_country_returns_none_for_unknown(name: str | None) -> None:
    assert resolve_country(name) == (None, None)


@pytest.mark.parametrize("name", ["Texas", "Kosovo"])
def test_resolve_country_does_not_take_a_subdivision_for_its_country(name: str) -> None:
    assert resolve_country(name) == (None, None)


def test_resolve_country_accepts_a_unique_partial_country_name() -> None:
    assert resolve_country("Syrian") == ("Syrian Arab Republic", "SYR")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("December 29", dt.date(2020, 1, 2), "2019-12-29"),  # four days before, across New Year
        ("January 3", dt.date(2020, 1, 2), "2019-01-03"),  # one day after publication: last year's
        ("January 2", dt.date(2020, 1, 2), "2020-01-02"),  # the day of publication itself
        ("March 1", dt.date(2021, 2, 28), "2020-03-01"),
    ],
)
def test_a_day_and_month_after_publication_is_last_years(
    text: str, published: dt.date, expected: str
) -> None:
    assert resolved(text, published) == (expected, "day")
