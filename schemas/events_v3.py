"""Event record schema, version 3 (``events.v3``): every string of a record is a span of the article.

What changed from ``events.v2`` (which stays loadable):

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

from pydantic import Field

from schemas import events_v2
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
    "Location",
    "LocationDraft",
    "Provenance",
    "Span",
    "SubEventType",
    "Usage",
]

SCHEMA_VERSION = "events.v3"


class Location(events_v2.Location):
    """A location: a recognised country and/or a place named in the article."""


class CasualtyClaim(events_v2.CasualtyClaim):
    """A grounded casualty figure: the quote states ``count`` as a casualty figure of kind ``kind``."""


class Event(events_v2.Event):
    """A grounded event record."""

    locations: list[Location] = Field(default_factory=list)  # type: ignore[assignment]
    casualties: list[CasualtyClaim] = Field(default_factory=list)  # type: ignore[assignment]


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
