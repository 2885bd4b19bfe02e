"""Event record schema, version 1 (``events.v1``).

Two families of models live here:

* **Drafts** (``ExtractionDraft`` and what it holds) are what the LLM is asked to
  return. They carry only what code cannot decide: the sub-event type, the date
  expression as written, places, actors, casualty claims and verbatim quotes.
  Their field descriptions are sent to the LLM inside the JSON Schema, so they are
  written as instructions.
* **Records** (``Event``, ``ArticleResult`` and what they hold) are what the
  library returns. Code fills in everything derivable: character offsets of every
  quote, the resolved ISO date, ACLED ``event_type`` / ``disorder_type``,
  ``fatalities`` and normalised country names and codes.

The closed vocabularies (ACLED's types, qualifiers, precisions) are defined in
``schemas.events_v1_vocabulary`` and re-exported here. This module imports nothing from the rest
of the project but that one. A change to any model here must be followed by ``make schemas`` (the
committed JSON Schemas under ``schemas/json/`` are snapshot-tested).
"""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field

from schemas.cached import CachedSchemaModel
from schemas.events_v1_vocabulary import (
    AcledEventType,
    Alignment,
    CasualtyKind,
    CountQualifier,
    DatePrecision,
    DisorderType,
    SubEventType,
)

__all__ = [
    "SCHEMA_VERSION",
    "AcledEventType",
    "Alignment",
    "ArticleResult",
    "CasualtyClaim",
    "CasualtyDraft",
    "CasualtyKind",
    "CountQualifier",
    "DatePrecision",
    "Diagnostics",
    "DisorderType",
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

SCHEMA_VERSION = "events.v1"


class _Model(CachedSchemaModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- drafts


class LocationDraft(_Model):
    """A place where the event happened, as the article names it."""

    country: str = Field(
        description="Country where the event happened, as an English country name, e.g. 'Iraq'.",
    )
    place: str | None = Field(
        default=None,
        description=(
            "The most specific place the article names for this event (city, town, base, "
            "province or region), copied from the article; null if only the country is named."
        ),
    )


class CasualtyDraft(_Model):
    """One reported casualty figure. Conflicting figures are separate claims."""

    kind: CasualtyKind = Field(description="'killed' for deaths, 'injured' for wounded.")
    count: int = Field(ge=0, description="The number as reported, as an integer.")
    qualifier: CountQualifier = Field(
        description=(
            "'exact' for a plain number; 'at_least' for 'at least N', 'more than N', 'N or more'; "
            "'approximate' for 'about N', 'some N', 'nearly N'."
        ),
    )
    claimed_by: str | None = Field(
        default=None,
        description=(
            "Who the article says gave this figure (e.g. 'a militia spokesman'); "
            "null when the reporter states it in their own voice."
        ),
    )
    victims: str | None = Field(
        default=None,
        description="Who was killed or injured, as described in the article (e.g. 'fighters').",
    )
    quote: str = Field(
        min_length=1,
        description="The exact words of the article that give this figure, copied character for character.",
    )


class EventDraft(_Model):
    """One event: one action by one initiator against one target, on one day."""

    event_type: SubEventType = Field(
        description="The ACLED sub-event type that best describes what happened.",
    )
    date_text: str | None = Field(
        default=None,
        description=(
            "The words of the article that say when the event happened, copied exactly "
            "(e.g. 'Sunday', 'last week', 'December 29, 2019'); null if the article does not say."
        ),
    )
    locations: list[LocationDraft] = Field(
        default_factory=list,
        description="Where the event happened; several entries when one operation hit several places.",
    )
    actor1: str | None = Field(
        default=None,
        description="Who carried out the action, named as in the article.",
    )
    actor2: str | None = Field(
        default=None,
        description="Who or what the action was directed at, named as in the article; null if none.",
    )
    casualties: list[CasualtyDraft] = Field(
        default_factory=list,
        description=(
            "Every killed or injured figure the article reports for this event, "
            "one entry per figure and source."
        ),
    )
    evidence: list[str] = Field(
        min_length=1,
        description=(
            "One or more sentences or phrases copied exactly from the article that state this event happened."
        ),
    )


class ExtractionDraft(_Model):
    """All events the article reports as having happened."""

    events: list[EventDraft] = Field(
        default_factory=list,
        description="One entry per distinct event; empty if the article reports none.",
    )


# --------------------------------------------------------------------------- records


class Span(_Model):
    """A quote located in the article: ``text[start:end]`` is the matched passage."""

    quote: str = Field(description="The quote as the LLM gave it.")
    start: int = Field(ge=0, description="Offset of the first matched character in the article.")
    end: int = Field(ge=0, description="Offset one past the last matched character.")
    alignment: Alignment = Field(
        description=(
            "'exact' when the quote is a verbatim substring; 'normalized' when it matched only "
            "after folding whitespace and quotation marks."
        ),
    )


class EventDate(_Model):
    """When the event happened."""

    text: str | None = Field(default=None, description="The date expression as written in the article.")
    value: str | None = Field(
        default=None,
        description="ISO value at its own granularity: 'YYYY-MM-DD', 'YYYY-Www', 'YYYY-MM' or 'YYYY'.",
    )
    precision: DatePrecision | None = Field(default=None, description="Granularity of ``value``.")


class Location(_Model):
    """A normalised location."""

    country: str | None = Field(description="Country name as the article gives it.")
    country_name: str | None = Field(
        default=None, description="ISO 3166 short name, or null when the country was not recognised."
    )
    country_code: str | None = Field(
        default=None, description="ISO 3166-1 alpha-3 code, or null when not recognised."
    )
    place: str | None = Field(default=None, description="Most specific place named, or null.")


class CasualtyClaim(_Model):
    """A grounded casualty figure."""

    kind: CasualtyKind
    count: int = Field(ge=0)
    qualifier: CountQualifier
    claimed_by: str | None = None
    victims: str | None = None
    quote: Span


class Event(_Model):
    """A grounded, normalised event record."""

    event_type: SubEventType = Field(description="ACLED sub-event type.")
    acled_event_type: AcledEventType = Field(description="ACLED event type, derived from ``event_type``.")
    disorder_type: DisorderType = Field(description="ACLED disorder type, derived from ``event_type``.")
    date: EventDate
    locations: list[Location] = Field(default_factory=list)
    actor1: str | None = None
    actor2: str | None = None
    casualties: list[CasualtyClaim] = Field(default_factory=list)
    fatalities: int | None = Field(
        default=None,
        description="ACLED rule: the lowest reported 'killed' figure; null when no killed claim.",
    )
    evidence: list[Span] = Field(min_length=1)


class DroppedEvent(_Model):
    """An event the LLM returned but that was not kept."""

    event_type: str | None = None
    reason: str = Field(description="Why it was dropped, e.g. the quote that could not be found.")
    quotes: list[str] = Field(default_factory=list)


class Diagnostics(_Model):
    """What happened on the way from LLM output to records."""

    events_returned: int = Field(default=0, description="Events in the LLM's last answer.")
    events_kept: int = 0
    dropped: list[DroppedEvent] = Field(default_factory=list)
    claims_dropped: int = Field(default=0, description="Casualty claims dropped for an ungrounded quote.")
    validation_errors: list[str] = Field(
        default_factory=list, description="Validation messages that triggered re-asks."
    )
    warnings: list[str] = Field(default_factory=list)


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Provenance(_Model):
    """Everything needed to reproduce or audit one result."""

    prompt_id: str
    prompt_version: int
    prompt_sha256: str = Field(
        description=(
            "sha256 of the prompt version's templates (system, user, examples): same for every article."
        )
    )
    request_sha256: str = Field(
        description="sha256 of the rendered request (messages, schema, model, parameters): the cache key."
    )
    schema_version: str = SCHEMA_VERSION
    model: str
    endpoint_kind: str
    temperature: float
    attempts: int = Field(description="LLM requests that produced an answer (1 + re-asks).")
    usage: Usage = Field(default_factory=Usage)
    duration_s: float = Field(description="Wall time for the whole article.")
    llm_duration_s: float = Field(description="Time spent inside LLM calls.")
    cache_hit: bool = False
    package_version: str


class ArticleResult(_Model):
    """The result for one article: one JSONL line."""

    article_id: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    events: list[Event] = Field(default_factory=list)
    diagnostics: Diagnostics = Field(default_factory=Diagnostics)
    provenance: Provenance
