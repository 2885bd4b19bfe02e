"""Countries: recognise a country as written ("Syria", "the U.S.") with ``pycountry``.

:func:`resolve_country` gives the ISO 3166 short name and alpha-3 code, or nothing; it never
guesses between candidates and never takes a subdivision for its country.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Final

import pycountry

__all__ = ["resolve_country"]

#: Common English names that ``pycountry`` does not resolve (or resolves ambiguously) -> alpha-3.
_COUNTRY_ALIASES: Final[dict[str, str]] = {
    "uk": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "us": "USA",
    "usa": "USA",
    "america": "USA",
    "united states of america": "USA",
    "russia": "RUS",
    "south korea": "KOR",
    "north korea": "PRK",
    "ivory coast": "CIV",
    "drc": "COD",
    "dr congo": "COD",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "congo-kinshasa": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "congo-brazzaville": "COG",
    "palestine": "PSE",
    "palestinian territories": "PSE",
    "palestinian territory": "PSE",
    "occupied palestinian territories": "PSE",
    "burma": "MMR",
    "laos": "LAO",
    "vietnam": "VNM",
    "syria": "SYR",
    "iran": "IRN",
    "turkey": "TUR",
    "czech republic": "CZE",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "cape verde": "CPV",
    "east timor": "TLS",
    "moldova": "MDA",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "vatican": "VAT",
}


def _clean_country(name: str) -> str:
    """Fold a country string for lookup: trim, drop a leading "the", dots and extra spaces."""
    cleaned = " ".join(name.replace(".", "").split())
    cleaned = re.sub(r"^the\s+", "", cleaned, flags=re.IGNORECASE)
    return cleaned.strip(" ,;:'\"")


def _casefold(text: str) -> str:
    """Casefold and drop accents, as ``pycountry.search_fuzzy`` does."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _names_country(query: str, country: Any) -> bool:
    """Whether ``query`` occurs in one of ``country``'s own names (not only in a subdivision's).

    ``search_fuzzy`` also returns a country for one of its subdivisions ("Texas" -> United States,
    "Kosovo" -> Serbia); a country field naming a subdivision is not taken as that country.
    """
    names = (getattr(country, attr, None) for attr in ("name", "official_name", "common_name"))
    return any(_casefold(query) in _casefold(name) for name in names if isinstance(name, str))


@functools.lru_cache(maxsize=4096)
def _lookup_country(cleaned: str) -> tuple[str, str] | None:
    """(ISO short name, alpha-3) for an already cleaned name, or ``None``."""
    alias = _COUNTRY_ALIASES.get(cleaned.casefold())
    try:
        country = pycountry.countries.lookup(alias or cleaned)
    except LookupError:
        try:
            matches = pycountry.countries.search_fuzzy(cleaned)
        except LookupError:
            return None
        if len(matches) != 1 or not _names_country(cleaned, matches[0]):
            return None
        country = matches[0]
    return str(country.name), str(country.alpha_3)


def resolve_country(name: str | None) -> tuple[str | None, str | None]:
    """(ISO 3166 short name, alpha-3) for a country as written, or ``(None, None)`` if unknown.

    "Syria" -> ("Syrian Arab Republic", "SYR"); "U.S.", "USA", "the United States" -> USA.
    """
    if name is None:
        return None, None
    cleaned = _clean_country(name)
    found = _lookup_country(cleaned) if cleaned else None
    return (None, None) if found is None else found
