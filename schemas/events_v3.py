"""Event record schema, version 3 (``events.v3``): every string of a record is a span of the article.

What changed from ``events.v2`` (which stays loadable):

* **Locations** carry a ``resolution``: the place resolved offline to GeoNames (id, names of its
  admin1/admin2 units and country, coordinates, ACLED geo_precision, the runner-up), or, for a
  place the gazetteer does not know, the words kept with precision 3.
* **Events** say whether an analyst reviewed them (``reviewed``; the service's review page).
* **Provenance** says whether an LLM answer shaped the events (``adjudicated``): true when a
  model adjudicated code's candidates or wrote the drafts (live, cached or from a batch file),
  false when code alone decided and no model was asked.

Drafts (what the LLM is asked for) keep the shape of ``events.v2``; prompts that target
``events.v1`` or ``events.v2`` drafts produce ``events.v3`` records. Every record model is
that may gain fields is redefined here as a subclass of its ``events.v2`` model, so that a field
added to one of them reaches the records that contain it (an ``Event``'s locations, an
``ArticleResult``'s events); ``Span``, ``EventDate`` and the drafts are ``events.v2``'s own.

This module imports nothing from the rest of the project but ``schemas.events_v1`` and
``schemas.events_v2``. A change to any model here must be followed by ``make schemas``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from schemas import events_v2
from schemas.cached import CachedSchemaModel
from schemas.events_v2 import (
    BatchSource,
    CasualtyDraft,
    DroppedEvent,
    EventDate,
    EventDraft,
    ExtractionDraft,
    LocationDraft,
    Span,
    SubEventType,
    Usage,
)

__all__ = [
    "SCHEMA_VERSION",
    "ArticleResult",
    "BatchSource",
    "CasualtyClaim",
    "CasualtyDraft",
    "Diagnostics",
    "DroppedEvent",
    "Event",
    "EventDate",
    "EventDraft",
    "ExtractionDraft",
    "GeoFeature",
    "Location",
    "LocationDraft",
    "PlaceResolution",
    "Provenance",
    "Span",
    "SubEventType",
    "Usage",
]

SCHEMA_VERSION = "events.v3"


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


class Location(events_v2.Location):
    """A location: a recognised country and/or a place named in the article."""

    resolution: PlaceResolution | None = Field(
        default=None,
        description=(
            "The place (or, without one, the country) resolved to GeoNames with the whole article as "
            "context; null when the record has neither."
        ),
    )


class CasualtyClaim(events_v2.CasualtyClaim):
    """A grounded casualty figure: the quote states ``count`` as a casualty figure of kind ``kind``."""


class Event(events_v2.Event):
    """A grounded event record."""

    locations: list[Location] = Field(default_factory=list)  # type: ignore[assignment]
    casualties: list[CasualtyClaim] = Field(default_factory=list)  # type: ignore[assignment]
    reviewed: bool = Field(
        default=False,
        description=(
            "True when an analyst accepted, corrected or added this record on the service's review page; "
            "false for the machine's record as extracted."
        ),
    )


class Diagnostics(events_v2.Diagnostics):
    """What happened on the way from LLM output (or code's candidates) to records."""


class Provenance(events_v2.Provenance):
    """Everything needed to reproduce or audit one result."""

    schema_version: str = SCHEMA_VERSION
    adjudicated: bool = Field(
        description=(
            "True when an LLM answer shaped the events (the model adjudicated code's candidates or wrote "
            "the drafts; live, cached or collected from a batch file); false when code alone decided and "
            "no model was asked (then ``model`` is null)."
        ),
    )


class ArticleResult(events_v2.ArticleResult):
    """The result for one article: one JSONL line."""

    events: list[Event] = Field(default_factory=list)  # type: ignore[assignment]
    diagnostics: Diagnostics = Field(default_factory=Diagnostics)
    provenance: Provenance


# Re-exported names keep one definition for what did not change.
_ = (
    BatchSource,
    CasualtyDraft,
    DroppedEvent,
    EventDate,
    EventDraft,
    ExtractionDraft,
    LocationDraft,
    Span,
    SubEventType,
    Usage,
)
