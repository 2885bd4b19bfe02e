"""The gazetteer: every GeoNames continent, country, admin1 and admin2 unit and ``cities500`` place,
indexed by folded name and alternate name. Loaded once per process, on first use (``gazetteer()``):
from the index cached on disk when it is there and valid (``store.py``), else built from the data
packages (``building.py``) and then cached.

Entries live in parallel arrays (``array``), not objects, so the whole index stays small (measured
by ``scripts/bench_geo.py``); :meth:`Gazetteer.place` turns one entry into a :class:`Place`. The
name index is three flat pieces: the folded keys, sorted (a key is found by bisection), and for
key ``i`` the values ``values[offsets[i]:offsets[i + 1]]`` (entry * 2, plus 1 when the key is an
alternate name), so it is written to and read from disk as plain data, with nothing to rebuild.
"""

from __future__ import annotations

import bisect
import functools
import threading
from array import array
from dataclasses import dataclass
from typing import Final, Literal

from .names import fold

__all__ = ["Feature", "Gazetteer", "Place", "gazetteer"]

Feature = Literal["continent", "country", "admin1", "admin2", "place"]
_FEATURES: Final[tuple[Feature, ...]] = ("continent", "country", "admin1", "admin2", "place")
#: Words that begin a unit's name to say which part of a region it is ("North Kordofan").
_DIRECTIONS: Final = frozenset(
    {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western", "upper",
     "lower", "middle", "northeast", "northwest", "southeast", "southwest", "north east", "north west",
     "south east", "south west"}
)  # fmt: skip
CONTINENT, COUNTRY, ADMIN1, ADMIN2, PLACE = range(5)

#: The parallel arrays of the entries, with their ``array`` type codes (also the on-disk layout).
ARRAYS: Final = {
    "geonameid": "q", "kind": "b", "country": "i", "admin1": "i", "admin2": "i",
    "lat": "d", "lon": "d", "population": "q",
}  # fmt: skip


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
    """Folded name -> entries; entry -> :class:`Place`. Get the process's one with :func:`gazetteer`."""

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
        self.keys: list[str] = []  # folded names, alternate names included, sorted
        self.offsets = array("i", [0])  # key i -> values[offsets[i]:offsets[i + 1]]
        self.values = array("i")  # entry * 2 (+1: the key is an alternate name of the entry)
        self.alpha3: dict[int, str] = {}  # country entry -> ISO alpha-3
        self.abbreviations: dict[str, int] = {}  # "US", "DPRK" -> country, "EU" -> continent (case-sensitive)
        self.demonyms: dict[str, int] = {}  # folded demonym -> country entry
        self.unit_codes: dict[tuple[int, str], int] = {}  # (country entry, "TX") -> admin1 entry
        self.capitals: frozenset[int] = frozenset()  # national capitals (place entries)
        self.by_alpha3: dict[str, int] = {}
        self._units: dict[int, list[int]] | None = None
        self._largest: dict[int, int] | None = None
        self._regions: dict[str, int] | None = None

    def finish(self) -> Gazetteer:
        """Derive what is not stored (``by_alpha3``); returns ``self``."""
        self.by_alpha3 = {code: entry for entry, code in self.alpha3.items()}
        return self

    # ------------------------------------------------------------------ reading
    def entries(self, key: str) -> list[tuple[int, bool]]:
        """(entry, matched by an alternate name) for a folded key."""
        at = bisect.bisect_left(self.keys, key)
        if at == len(self.keys) or self.keys[at] != key:
            return []
        return [(v >> 1, bool(v & 1)) for v in self.values[self.offsets[at] : self.offsets[at + 1]]]

    def feature(self, entry: int) -> Feature:
        return _FEATURES[self.kind[entry]]

    def country_of(self, entry: int) -> int:
        return self.country[entry]

    def capital_of(self, entry: int) -> bool:
        """Whether ``entry`` is its country's capital (the most populous place of the capital's name)."""
        return entry in self.capitals

    def units_of(self, country: int) -> list[int]:
        """The admin1 entries of a country entry."""
        if self._units is None:
            units: dict[int, list[int]] = {}
            for entry, kind in enumerate(self.kind):
                if kind == ADMIN1:
                    units.setdefault(self.country[entry], []).append(entry)
            self._units = units
        return self._units.get(country, [])

    def region_country(self, key: str) -> int:
        """The country whose first-level units are named for a region by a direction ("North
        Kordofan", "South Kordofan", "West Kordofan": "kordofan" -> Sudan), when two or more are and all lie
        in one country; else -1."""
        if self._regions is None:
            found: dict[str, set[int]] = {}
            counts: dict[str, int] = {}
            for entry, kind in enumerate(self.kind):
                words = fold(self.names[entry]).split() if kind == ADMIN1 else []
                cut = next((n for n in (2, 1) if len(words) > n and " ".join(words[:n]) in _DIRECTIONS), 0)
                if cut:
                    rest = " ".join(words[cut:])
                    found.setdefault(rest, set()).add(self.country[entry])
                    counts[rest] = counts.get(rest, 0) + 1
            self._regions = {
                rest: next(iter(countries))
                for rest, countries in found.items()
                if len(countries) == 1 and counts[rest] >= 2
            }
        return self._regions.get(key, -1)

    def largest_place(self, unit: int) -> int:
        """The most populous place of an admin1 or admin2 unit, -1 when it has none."""
        if self._largest is None:
            largest: dict[int, int] = {}
            for entry, kind in enumerate(self.kind):
                if kind != PLACE:
                    continue
                for u in (self.admin1[entry], self.admin2[entry]):
                    if u >= 0 and (u not in largest or self.population[entry] > self.population[largest[u]]):
                        largest[u] = entry
            self._largest = largest
        return self._largest.get(unit, -1)

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
def _loaded() -> Gazetteer:
    from .store import load_or_build  # noqa: PLC0415  (the disk cache is needed only on first use)

    return load_or_build()


def gazetteer() -> Gazetteer:
    """The process's gazetteer: read from the disk cache, or built and cached, on first use
    (thread-safe; later calls return it at once)."""
    with _LOCK:
        return _loaded()
