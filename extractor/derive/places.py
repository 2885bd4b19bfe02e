"""Every location of an article's records resolved to GeoNames, together, from the article alone.

The place span of each location (or, without one, its country span) is located by
``extractor.geo.locate`` with every other location of the article, the headline, the dateline
and the countries the records name as context. Each location gains a ``resolution``; a location
whose record names no country takes the resolved place's country ("Nakuru" -> Kenya), or the
article's leading country for a name the gazetteer does not know (``country_from="article"``).
When the record names a country, that country wins: a place resolved elsewhere is a namesake,
reported as the runner-up, and the location is unresolved in the record's country
(``country_from="record"``).
The place and country spans are never changed: what the article says stays what it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pycountry

from extractor.geo import Context, Resolution, locate
from schemas.events_v3 import Event, Location, PlaceResolution, Span

__all__ = ["place_resolution", "resolve_locations"]


def place_resolution(res: Resolution, text: str) -> PlaceResolution:
    """The record form of a geo resolution (``matched`` is a span of ``text``)."""
    place, runner = res.place, res.runner_up
    matched = None
    if place is not None and res.matched is not None:
        start, end = res.matched
        matched = Span(quote=text[start:end], start=start, end=end, alignment="exact")
    return PlaceResolution(
        geonameid=place.geonameid if place else None,
        name=place.name if place else None,
        feature=place.feature if place else None,
        admin1=place.admin1 if place else None,
        admin2=place.name if place and place.feature == "admin2" else (place.admin2 if place else None),
        country_code=res.country_code,
        country_name=res.country_name,
        country_from=res.country_from,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        geo_precision=res.precision if res.precision in (1, 2) else 3,
        matched=matched,
        score=res.score,
        runner_up_geonameid=runner.geonameid if runner else None,
        runner_up_name=runner.name if runner else None,
        runner_up_country_code=runner.country_code if runner else None,
        runner_up_score=res.runner_up_score,
    )


def _span_of(location: Location) -> Span | None:
    return location.place if location.place is not None else location.country


def resolve_locations(events: Sequence[Event], text: str, title: str | None = None) -> list[Event]:
    """``events`` with every location resolved (copies; the input records are not changed)."""
    spans = [(s.start, s.end) for e in events for loc in e.locations if (s := _span_of(loc)) is not None]
    if not spans:
        return list(events)
    countries = tuple(sorted({loc.country_code for e in events for loc in e.locations if loc.country_code}))
    located = iter(locate(text, spans, Context(title=title, countries=countries)))
    out = []
    for event in events:
        locations = []
        for loc in event.locations:
            if _span_of(loc) is None:
                locations.append(loc)
                continue
            res = _agreeing(next(located).resolution, loc.country_code, loc.country_name)
            update: dict[str, object] = {"resolution": place_resolution(res, text)}
            if loc.country_code is None and res.country_code is not None:
                update |= {"country_code": res.country_code, "country_name": _iso_name(res.country_code)}
            locations.append(loc.model_copy(update=update))
        out.append(event.model_copy(update={"locations": locations}))
    return out


def _agreeing(res: Resolution, code: str | None, name: str | None) -> Resolution:
    """The record's own country (a span of the article) wins over the gazetteer's.

    A place resolved into another country is a namesake the record did not mean: it is kept as
    the runner-up and the location counts as unresolved (precision 3) in the record's country.
    """
    if code is None or res.country_code == code:
        return res
    if res.place is not None and res.place.feature == "continent":
        return res
    return replace(
        res,
        place=None,
        precision=3,
        score=None,
        runner_up=res.place or res.runner_up,
        runner_up_score=res.score if res.place else res.runner_up_score,
        country_code=code,
        country_name=name,
        country_from="record",
        matched=None,
    )


def _iso_name(alpha3: str) -> str | None:
    """ISO 3166 short name, as grounding gives ``country_name`` (pycountry)."""
    country = pycountry.countries.get(alpha_3=alpha3)
    return str(country.name) if country is not None else None
