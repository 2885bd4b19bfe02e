"""Records carry each location's resolution to GeoNames; a record without a country gains the place's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from extractor.derive import resolve_locations
from schemas.events_v3 import Event, EventDate, Location, PlaceResolution, Span


def _span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(quote=words, start=start, end=start + len(words), alignment="exact")


def _event(text: str, *locations: Location) -> Event:
    return Event(
        event_type="Armed clash",
        acled_event_type="Battles",
        disorder_type="Political violence",
        date=EventDate(text=None, value=None, precision=None),
        locations=list(locations),
        evidence=[_span(text, text[:20])],
    )


def _location(text: str, place: str | None, country: str | None = None, code: str | None = None) -> Location:
    return Location(
        place=_span(text, place) if place else None,
        country=_span(text, country) if country else None,
        country_code=code,
        country_name=None,
    )


def _resolution(event: Event, i: int = 0) -> PlaceResolution:
    resolution = event.locations[i].resolution
    assert resolution is not None
    return resolution


def test_a_town_without_a_country_gains_its_country_admin1_and_coordinates() -> None:
    text = "Kenyan police said gunmen raided a bank in Nakuru overnight."
    (event,) = resolve_locations([_event(text, _location(text, "Nakuru"))], text)
    res = _resolution(event)
    assert (res.name, res.feature, res.country_code, res.geo_precision) == ("Nakuru", "place", "KEN", 1)
    assert res.admin1 is not None and res.latitude is not None and res.longitude is not None
    assert res.matched is not None and text[res.matched.start : res.matched.end] == "Nakuru"
    assert (event.locations[0].country_code, event.locations[0].country_name) == ("KEN", "Kenya")
    assert event.locations[0].country is None  # the article names no country: no span is invented


def test_a_place_description_takes_its_most_specific_name_and_precision() -> None:
    text = "Fighters shelled a market near Homs, and later the outskirts of Hama, in Syria."
    near, outskirts = (_location(text, w) for w in ("a market near Homs", "the outskirts of Hama"))
    (event,) = resolve_locations([_event(text, near, outskirts)], text)
    found = [_resolution(event, i) for i in (0, 1)]
    assert [(r.feature, r.country_code, r.geo_precision) for r in found] == [("place", "SYR", 2)] * 2
    assert [r.matched.quote if r.matched else None for r in found] == ["Homs", "Hama"]


def test_the_records_country_wins_over_a_namesake_elsewhere() -> None:
    text = "Troops fought rebels in Kano, in Mali, on Sunday."
    located = _location(text, "Kano", country="Mali", code="MLI")
    (event,) = resolve_locations([_event(text, located)], text)
    res = _resolution(event)
    assert (res.geonameid, res.geo_precision, res.country_code, res.country_from) == (
        None,
        3,
        "MLI",
        "record",
    )
    assert res.runner_up_country_code == "NGA"  # the namesake, reported as the ambiguity


def test_an_unknown_place_stays_unresolved_with_precision_3() -> None:
    text = "Clashes were reported in Zorblaxville Heights."
    (event,) = resolve_locations([_event(text, _location(text, "Zorblaxville Heights"))], text)
    res = _resolution(event)
    assert (res.geonameid, res.latitude, res.geo_precision, res.country_code) == (None, None, 3, None)
    assert event.locations[0].country_code is None


def test_a_location_with_only_a_country_resolves_to_the_country() -> None:
    text = "Clashes were reported in Sudan."
    (event,) = resolve_locations([_event(text, _location(text, None, country="Sudan", code="SDN"))], text)
    res = _resolution(event)
    assert (res.feature, res.country_code, res.geo_precision) == ("country", "SDN", 3)


def test_extract_records_carry_the_resolution() -> None:
    from extractor.pipeline import Extractor
    from tests.conftest import fake_settings

    settings: Any = fake_settings(__import__("pathlib").Path("/nonexistent"), prompt="events.v5")
    text = "Rebels attacked an army post near Kandahar on Monday, killing three soldiers, the army said."
    result = Extractor(settings.replace(adjudicate=False)).extract(text, published=dt.date(2023, 3, 15))
    (event,) = result.events
    location = event.locations[0]
    assert location.resolution is not None
    assert (location.resolution.feature, location.resolution.country_code) == ("place", "AFG")
    assert location.resolution.matched is not None and location.resolution.matched.quote == "Kandahar"
    assert location.country_code == "AFG"


def test_the_acled_row_takes_the_records_resolution_and_keeps_unknown_words() -> None:
    from extractor.corpus import merge
    from extractor.export import acled_rows
    from tests.corpus_fakes import event, result

    text = "Gunmen attacked a village near Maiduguri, and clashes spread to Zorblax Ridge."
    known = _event(text, _location(text, "a village near Maiduguri"))
    (resolved,) = resolve_locations([known], text)
    row = acled_rows(
        merge([result("a", event().model_copy(update={"locations": resolved.locations}))]).events
    )[0]
    assert (row["country"], row["iso"], row["region"], row["geo_precision"]) == (
        "Nigeria",
        566,
        "Western Africa",
        2,
    )
    assert row["admin1"] == "Borno" and row["location"] == "Maiduguri" and row["latitude"] is not None

    unknown = _event(text, _location(text, "Zorblax Ridge"))
    (unresolved,) = resolve_locations([unknown], text)
    lone = event(countries=()).model_copy(update={"locations": unresolved.locations})
    row = acled_rows(merge([result("b", lone)]).events)[0]
    assert (row["location"], row["geo_precision"], row["latitude"]) == ("Zorblax Ridge", 3, None)
