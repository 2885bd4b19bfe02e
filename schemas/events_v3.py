"""Event record schema, version 3 (``events.v3``): every string of a record is a span of the article.

What changed from ``events.v2`` (which stays loadable):

* **Locations** carry a ``resolution``: the place resolved offline to GeoNames (id, names of its
  admin1/admin2 units and country, coordinates, ACLED geo_precision, the runner-up), or, for a
  place the gazetteer does not know, the words kept with precision 3.
* **Events** say whether an analyst reviewed them (``reviewed``; the service's review page).
* **Provenance** says whether an LLM answer shaped the events (``adjudicated``): true when a
  model adjudicated code's candidates or wrote the drafts (live, cached or from a batch file),
  false when code alone decided and no model was asked.
* **Events** say how their date was found (``date_basis``: the event's own expression, the event
  it is told after, only the report's date, or the publication day), classify their actors in
  ACLED's categories (``actor1_category``, ``actor2_category``, ``inter1``, ``inter2``,
  ``interaction``, ``civilian_targeting``), tell "nobody was killed" from "nothing said about
  deaths" (``deaths_reported``), and keep counts of people arrested or abducted (``detentions``,
  each with its quote). ``fatalities`` is the lowest of conflicting figures for one victim group,
  summed over distinct groups (the head noun of each claim's ``victims``).
* **Diagnostics** list every mention code excluded as not an event, with its reason
  (``excluded``), and how many mentions of one event were merged (``mentions_merged``).
* **Drafts** built by code (the candidates strategy) may carry ``date_basis`` and ``detentions``;
  an LLM's draft leaves them at their defaults, so prompts see the ``events.v2`` shape.

Drafts (what the LLM is asked for) keep the shape of ``events.v2``; prompts that target
``events.v1`` or ``events.v2`` drafts produce ``events.v3`` records. Every record model is
that may gain fields is redefined here as a subclass of its ``events.v2`` model, so that a field
added to one of them reaches the records that contain it (an ``Event``'s locations, an
``ArticleResult``'s events); ``Span`` and ``EventDate`` are ``events.v2``'s own.

``PlaceResolution`` (a location's place resolved to GeoNames) is defined in
``schemas.events_v3_places`` and re-exported here. This module imports nothing from the rest of
the project but ``schemas.events_v1``, ``schemas.events_v2`` and that one.
A change to any model here must be followed by ``make schemas``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from schemas import events_v2
from schemas.cached import CachedSchemaModel
from schemas.events_v1 import CountQualifier
from schemas.events_v2 import (
    BatchSource,
    CasualtyDraft,
    DroppedEvent,
    EventDate,
    ExtractionDraft,
    LocationDraft,
    Span,
    SubEventType,
    Usage,
)
from schemas.events_v3_places import GeoFeature, PlaceResolution

__all__ = [
    "ACTOR_CATEGORIES",
    "SCHEMA_VERSION",
    "ActorCategory",
    "ArticleResult",
    "BatchSource",
    "CasualtyClaim",
    "CasualtyDraft",
    "DateBasis",
    "DeathsReported",
    "Detention",
    "DetentionDraft",
    "DetentionKind",
    "Diagnostics",
    "DroppedEvent",
    "Event",
    "EventDate",
    "EventDraft",
    "ExcludedMention",
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

#: ACLED's actor categories, in the order of their ``inter`` codes (1-8).
ACTOR_CATEGORIES: tuple[str, ...] = (
    "State forces",
    "Rebel groups",
    "Political militias",
    "Identity militias",
    "Rioters",
    "Protesters",
    "Civilians",
    "External/Other forces",
)
ActorCategory = Literal[
    "State forces",
    "Rebel groups",
    "Political militias",
    "Identity militias",
    "Rioters",
    "Protesters",
    "Civilians",
    "External/Other forces",
]
DateBasis = Literal["event", "sentence", "anchor", "report", "paragraph", "publication"]
DeathsReported = Literal["figures", "none", "not_stated"]
DetentionKind = Literal["arrested", "abducted"]


class _Model(CachedSchemaModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- drafts


class DetentionDraft(_Model):
    """A count of people arrested or abducted, as code found it in a sentence (not a casualty)."""

    kind: DetentionKind
    count: int = Field(ge=0)
    qualifier: CountQualifier
    quote: str = Field(min_length=1, description="The passage that states the count.")


class EventDraft(events_v2.EventDraft):
    """One event: one action by one initiator against one target, on one day.

    Code's drafts (the candidates strategy) may also say how the date was found and carry counts
    of people arrested or abducted; an LLM's draft leaves both at their defaults.
    """

    date_basis: DateBasis | None = Field(
        default=None,
        description="How code found the date (see ``Event.date_basis``); null when the LLM gave date_text.",
    )
    detentions: list[DetentionDraft] = Field(default_factory=list)


# --------------------------------------------------------------------------- records


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


class Detention(_Model):
    """A grounded count of people arrested or abducted in the event (kept apart from casualties)."""

    kind: DetentionKind
    count: int = Field(ge=0)
    qualifier: CountQualifier
    quote: Span = Field(description="Where the article states the count.")


class Event(events_v2.Event):
    """A grounded event record."""

    locations: list[Location] = Field(default_factory=list)  # type: ignore[assignment]
    casualties: list[CasualtyClaim] = Field(default_factory=list)  # type: ignore[assignment]
    fatalities: int | None = Field(
        default=None,
        description=(
            "ACLED's rule per victim group: the lowest of conflicting 'killed' figures for the same "
            "victims, summed over distinct victim groups (the head noun of each claim's ``victims``, within "
            "one passage; extractor.derive.fatalities); null when no killed figure is reported "
            "(``deaths_reported`` tells 'nobody killed' from 'not stated')."
        ),
    )
    deaths_reported: DeathsReported = Field(
        default="not_stated",
        description=(
            "'figures': the article gives killed figures (``fatalities``); 'none': it says nobody was killed "
            "('no casualties', 'without injuring anyone'); 'not_stated': it says nothing about deaths. "
            "ACLED's CSV codes both of the latter as 0 fatalities."
        ),
    )
    date_basis: DateBasis | None = Field(
        default=None,
        description=(
            "How the date was found: 'event' an expression on the event's own words or clause, 'sentence' "
            "elsewhere in its sentence, 'anchor' the date of the event it is told after ('was later "
            "killed'), "
            "'report' only the date of a reporting verb ('police said on Sunday'), 'paragraph' another "
            "sentence of its paragraph, 'publication' no expression: the publication day of a story that "
            "leads with the event. Null when an LLM gave the date expression, or when there is no date."
        ),
    )
    actor1_category: ActorCategory | None = Field(
        default=None, description="ACLED's category of actor1, from its words and the event type."
    )
    actor2_category: ActorCategory | None = Field(
        default=None, description="ACLED's category of actor2, from its words and the event type."
    )
    inter1: int | None = Field(
        default=None, ge=1, le=8, description="ACLED's inter code of actor1_category (1 State forces ... 8)."
    )
    inter2: int | None = Field(default=None, ge=1, le=8, description="ACLED's inter code of actor2_category.")
    interaction: int | None = Field(
        default=None,
        description=(
            "ACLED's interaction code: the two inter codes, lower first (17: state forces and civilians); "
            "the inter code followed by 0 when there is one actor (60: protesters alone)."
        ),
    )
    civilian_targeting: bool = Field(
        default=False,
        description="True when civilians are the target (actor2 is civilians): ACLED's 'Civilian targeting'.",
    )
    detentions: list[Detention] = Field(
        default_factory=list,
        description="People arrested or abducted in the event, each count with its quote.",
    )
    reviewed: bool = Field(
        default=False,
        description=(
            "True when an analyst accepted, corrected or added this record on the service's review page; "
            "false for the machine's record as extracted."
        ),
    )


class ExcludedMention(_Model):
    """A sentence with an event word that code did not take for an event, and why."""

    quote: Span = Field(description="The sentence.")
    trigger: str = Field(description="The event word, in the article's words.")
    reason: str = Field(
        description="Why it is not an event: negated, future, threat or plan, many events counted together, "
        "statement, allegation, background, date unresolvable, ..."
    )


class Diagnostics(events_v2.Diagnostics):
    """What happened on the way from LLM output (or code's candidates) to records."""

    excluded: list[ExcludedMention] = Field(
        default_factory=list, description="Mentions code excluded as not events (candidates strategy)."
    )
    mentions_merged: int = Field(
        default=0, description="Mentions merged into another mention of the same event (candidates strategy)."
    )


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
    GeoFeature,
    CasualtyDraft,
    DroppedEvent,
    EventDate,
    ExtractionDraft,
    LocationDraft,
    Span,
    SubEventType,
    Usage,
)
