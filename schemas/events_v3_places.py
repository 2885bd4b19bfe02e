"""Where a location of an ``events.v3`` record is: its place resolved offline to GeoNames.

``PlaceResolution`` is a record model of ``events.v3`` (a ``Location``'s ``resolution``), kept in
its own module; ``schemas.events_v3`` re-exports it and ``GeoFeature``. This module imports nothing
from the rest of the project but ``schemas.events_v2``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from schemas.cached import CachedSchemaModel
from schemas.events_v2 import Span

__all__ = ["GeoFeature", "PlaceResolution"]


class _Model(CachedSchemaModel):
    model_config = ConfigDict(extra="forbid")


GeoFeature = Literal["place", "admin2", "admin1", "country", "continent"]


class PlaceResolution(_Model):
    """Where a location's place is, resolved offline to GeoNames from the article's text alone.

    Gazetteer names (``name``, ``admin1``, ``admin2``, ``country_name``) are GeoNames' and ISO's,
    not the article's words; ``matched`` is the article's words that named the place. A place the
    gazetteer does not know is unresolved: ``geonameid`` and the coordinates are null and
    ``geo_precision`` is 3.
    """

    geonameid: int | None = Field(
        default=None, description="GeoNames id of the resolved entry; null when unresolved."
    )
    name: str | None = Field(default=None, description="GeoNames name of the resolved entry.")
    feature: GeoFeature | None = Field(
        default=None,
        description=(
            "What the entry is: a populated place, a second- or first-level administrative unit, a country "
            "or a continent."
        ),
    )
    admin1: str | None = Field(
        default=None, description="GeoNames first-level unit (province, state) of the entry."
    )
    admin2: str | None = Field(
        default=None, description="GeoNames second-level unit (district, county), when known."
    )
    country_code: str | None = Field(
        default=None,
        description="ISO 3166-1 alpha-3 of the entry's country (or the article's: see ``country_from``).",
    )
    country_name: str | None = Field(default=None, description="GeoNames short name of that country.")
    country_from: Literal["place", "article", "record"] | None = Field(
        default=None,
        description=(
            "'place': the resolved entry's country; 'record': the country the record names (the place is "
            "unresolved there, or only a namesake elsewhere is known: see the runner-up); 'article': the "
            "place is unresolved and the country is the one the article's other places lead with."
        ),
    )
    latitude: float | None = Field(
        default=None,
        description="WGS84 latitude (an admin unit: the middle of its places); null when unresolved.",
    )
    longitude: float | None = Field(default=None, description="WGS84 longitude; null when unresolved.")
    geo_precision: Literal[1, 2, 3] = Field(
        default=3,
        description=(
            "ACLED geo_precision: 1 the place itself; 2 a place near or part of it ('outskirts of X') or a "
            "second-level unit; 3 a first-level unit, region or country, or unresolved."
        ),
    )
    matched: Span | None = Field(default=None, description="The article's words that named the entry.")
    score: float | None = Field(
        default=None, description="The resolver's score of the entry (higher is surer)."
    )
    runner_up_geonameid: int | None = Field(
        default=None, description="GeoNames id of the second-best entry: the ambiguity, reported."
    )
    runner_up_name: str | None = Field(default=None, description="GeoNames name of the second-best entry.")
    runner_up_country_code: str | None = Field(default=None, description="ISO alpha-3 of its country.")
    runner_up_score: float | None = Field(default=None, description="Its score.")
