"""Event record schema, version 2 (``events.v2``): every string of a record is a span of the article.

What changed from ``events.v1`` (which stays loadable):

* **Records.** ``actor1``, ``actor2``, each location's ``place`` and ``country``, each claim's
  ``claimed_by`` and ``victims``, and ``date.text`` are ``Span``s — located in the article with
  their offsets, exactly like evidence quotes — or null. A span's ``quote`` is the article's own
  words at ``[start:end]``, never the LLM's string. A location's ``country_name`` and
  ``country_code`` come from ISO 3166 (pycountry), never from the LLM.
* **Diagnostics** name instruction-like lines of the input (``suspicious_input``), duplicate
  events merged and events beyond the per-article cap.
* **Provenance** names the strategy and the endpoint URL (without credentials).
* **Drafts** (what the LLM is asked for) keep v1's shape; their descriptions now ask for names
  copied from the article. Prompts that target ``events.v1`` drafts still work and produce
  ``events.v2`` records.

This module imports nothing from the rest of the project but ``schemas.events_v1``. A change to
any model here must be followed by ``make schemas``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field

from schemas import events_v1
from schemas.cached import CachedSchemaModel
from schemas.events_v1 import (
    AcledEventType,
    Alignment,
    CasualtyKind,
    CountQualifier,
    DatePrecision,
    DisorderType,
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

SCHEMA_VERSION = "events.v2"


class _Model(CachedSchemaModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- drafts

_COPY = " Copy the words exactly as the article writes them; anything not in the article is discarded."


class LocationDraft(events_v1.LocationDraft):
    """A place where the event happened, as the article names it."""

    country: str = Field(
        description="Country where the event happened, as an English country name, e.g. 'Iraq'.",
    )
    place: str | None = Field(
        default=None,
        description=(
            "The most specific place the article names for this event (city, town, base, province or "
            "region); null if only the country is named." + _COPY
        ),
    )


class CasualtyDraft(events_v1.CasualtyDraft):
    """One reported casualty figure. Conflicting figures are separate claims."""

    claimed_by: str | None = Field(
        default=None,
        description=(
            "Who the article says gave this figure (e.g. 'a militia spokesman'); null when the reporter "
            "states it in their own voice." + _COPY
        ),
    )
    victims: str | None = Field(
        default=None,
        description="Who was killed or injured, as the article describes them (e.g. 'fighters')." + _COPY,
    )


class EventDraft(events_v1.EventDraft):
    """One event: one action by one initiator against one target, on one day."""

    locations: list[LocationDraft] = Field(  # type: ignore[assignment]
        default_factory=list,
        description="Where the event happened; several entries when one operation hit several places.",
    )
    actor1: str | None = Field(
        default=None, description="Who carried out the action, as the article names them." + _COPY
    )
    actor2: str | None = Field(
        default=None,
        description="Who or what the action was directed at, as the article names it; null if none." + _COPY,
    )
    casualties: list[CasualtyDraft] = Field(  # type: ignore[assignment]
        default_factory=list,
        description=(
            "Every killed or injured figure the article reports for this event, "
            "one entry per figure and source."
        ),
    )


class ExtractionDraft(events_v1.ExtractionDraft):
    """All events the article reports as having happened."""

    events: list[EventDraft] = Field(  # type: ignore[assignment]
        default_factory=list,
        description="One entry per distinct event; empty if the article reports none.",
    )


# --------------------------------------------------------------------------- records


class Span(_Model):
    """A piece of the article: ``quote`` is ``text[start:end]``, the article's own words."""

    quote: str = Field(description="The article's words at [start:end].")
    start: int = Field(ge=0, description="Offset of the first character in the article.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    alignment: Alignment = Field(
        description=(
            "'exact' when the LLM's string is a verbatim substring; 'normalized' when it was found only "
            "after folding whitespace and quotation marks."
        ),
    )


class EventDate(_Model):
    """When the event happened."""

    text: Span | None = Field(default=None, description="Where the article says when, or null.")
    value: str | None = Field(
        default=None,
        description="ISO value at its own granularity: 'YYYY-MM-DD', 'YYYY-Www', 'YYYY-MM' or 'YYYY'.",
    )
    precision: DatePrecision | None = Field(default=None, description="Granularity of ``value``.")


class Location(_Model):
    """A location: a recognised country and/or a place named in the article."""

    country: Span | None = Field(
        default=None, description="Where the article names the country, when it does (e.g. 'Iraq', 'U.S.')."
    )
    country_name: str | None = Field(default=None, description="ISO 3166 short name of the country.")
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-3 code of the country.")
    place: Span | None = Field(
        default=None, description="The most specific place the article names, or null."
    )


class CasualtyClaim(_Model):
    """A grounded casualty figure: the quote states ``count`` as a casualty figure of kind ``kind``."""

    kind: CasualtyKind
    count: int = Field(ge=0)
    qualifier: CountQualifier
    claimed_by: Span | None = Field(
        default=None, description="Who gave the figure, as the article names them."
    )
    victims: Span | None = Field(
        default=None, description="Who was killed or injured, in the article's words."
    )
    quote: Span


class Event(_Model):
    """A grounded event record."""

    event_type: SubEventType = Field(description="ACLED sub-event type.")
    acled_event_type: AcledEventType = Field(description="ACLED event type, derived from ``event_type``.")
    disorder_type: DisorderType = Field(description="ACLED disorder type, derived from ``event_type``.")
    date: EventDate
    locations: list[Location] = Field(default_factory=list)
    actor1: Span | None = None
    actor2: Span | None = None
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
    quotes: list[str] = Field(
        default_factory=list, description="The LLM's evidence strings (not the article's)."
    )


class Diagnostics(_Model):
    """What happened on the way from LLM output to records."""

    events_returned: int = Field(default=0, description="Events in the LLM's last answer.")
    events_kept: int = 0
    dropped: list[DroppedEvent] = Field(default_factory=list)
    duplicates_merged: int = Field(default=0, description="Identical events (type, date, evidence) merged.")
    events_over_cap: int = Field(default=0, description="Events beyond the per-article cap, not kept.")
    claims_dropped: int = Field(
        default=0, description="Casualty claims dropped: quote not found, or no such casualty figure in it."
    )
    validation_errors: list[str] = Field(
        default_factory=list, description="Validation messages that triggered re-asks."
    )
    suspicious_input: list[Span] = Field(
        default_factory=list,
        description="Instruction-like lines of the article (role prefixes, 'ignore previous instructions', "
        "answer-shaped JSON); nothing inside them is accepted as grounding.",
    )
    warnings: list[str] = Field(default_factory=list)


class BatchSource(_Model):
    """Where a result's answer came from when it was collected from a batch engine's output file."""

    batch_id: str | None = Field(
        default=None, description="The engine's batch id (OpenAI Batch API); null for a local run."
    )
    manifest: str = Field(description="The manifest written by `extractor batch prepare`.")
    custom_id: str = Field(description="The request's custom_id in the batch files.")
    file: str = Field(description="The output file the answer was read from.")
    line: int = Field(description="The answer's line in that file (1-based).")
    round: int = Field(default=1, description="1 for the first request; 2 and up for re-ask rounds.")


class Provenance(_Model):
    """Everything needed to reproduce or audit one result."""

    prompt_id: str
    prompt_version: int
    prompt_sha256: str = Field(
        description=(
            "sha256 of the prompt version's templates (system, user, examples): same for every article."
        )
    )
    request_sha256: str | None = Field(
        default=None,
        description="sha256 of the rendered request (messages, schema, model, parameters, endpoint); "
        "null when no LLM was called (the candidates strategy with adjudication off).",
    )
    schema_version: str = SCHEMA_VERSION
    strategy: str = Field(description="The extraction strategy the prompt names.")
    model: str | None = Field(default=None, description="The LLM's model name; null when no LLM was called.")
    endpoint_kind: str | None = None
    endpoint: str | None = Field(default=None, description="The endpoint URL, without credentials or query.")
    temperature: float
    attempts: int = Field(description="LLM requests that produced an answer (1 + re-asks).")
    usage: Usage = Field(default_factory=Usage)
    duration_s: float = Field(description="Wall time for the whole article.")
    llm_duration_s: float = Field(description="Time spent inside LLM calls.")
    cache_hit: bool = False
    package_version: str
    batch: BatchSource | None = Field(
        default=None, description="Set when the answer was collected from a batch engine's output file."
    )


class ArticleResult(_Model):
    """The result for one article: one JSONL line."""

    article_id: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    events: list[Event] = Field(default_factory=list)
    diagnostics: Diagnostics = Field(default_factory=Diagnostics)
    provenance: Provenance


# Re-exported names keep one definition for what did not change.
_ = (CasualtyKind, CountQualifier)
