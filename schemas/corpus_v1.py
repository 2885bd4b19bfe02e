"""Corpus record schema, version 1 (``corpus.v1``): one record per real-world event, built from many articles.

``extractor merge`` clusters the events of many ``events.v2`` article results; each cluster is a
``CorpusEvent`` and is written as one JSONL line. Nothing is averaged or rewritten: every article
event the corpus event came from is kept whole as a ``Mention`` (with its evidence spans), and
every casualty figure of every mention is kept as a ``Claim`` with its claimant, its source
article and its quote, so conflicting figures stand side by side. ``fatalities`` follows ACLED's
conservative rule and names it. ``merge_explanation`` lists the links that joined the mentions
and the features behind each.

This module imports nothing from the rest of the project but ``schemas.events_v1`` and
``schemas.events_v2``. A change to any model here must be followed by ``make schemas``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from schemas.events_v1 import (
    AcledEventType,
    CasualtyKind,
    CountQualifier,
    DatePrecision,
    DisorderType,
    SubEventType,
)
from schemas.events_v2 import Event, Span

__all__ = [
    "FATALITIES_RULE",
    "SCHEMA_VERSION",
    "Claim",
    "CorpusActor",
    "CorpusDate",
    "CorpusEvent",
    "CorpusLocation",
    "Link",
    "Mention",
    "MentionRef",
    "Source",
]

SCHEMA_VERSION = "corpus.v1"

#: The fatalities rule every corpus event names (ACLED codes the most conservative reported figure).
FATALITIES_RULE = "acled-lowest-killed: the lowest 'killed' figure among all claims; null when none"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MentionRef(_Model):
    """Which article event a mention is: the article id and the event's index in that article's result."""

    article_id: str
    event_index: int = Field(ge=0)


class Source(_Model):
    """An article the corpus event was built from."""

    article_id: str
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None


class Mention(_Model):
    """One article's record of the event, kept whole (its evidence spans locate it in the article)."""

    article_id: str
    event_index: int = Field(ge=0, description="Index of the event in its article's result.")
    url: str | None = None
    title: str | None = None
    event: Event = Field(description="The article's record, unchanged.")


class Claim(_Model):
    """One casualty figure of one mention: who gave it, in which article, in which words."""

    kind: CasualtyKind
    count: int = Field(ge=0)
    qualifier: CountQualifier
    claimed_by: str | None = Field(
        default=None, description="The claimant in the article's words; null when the reporter states it."
    )
    victims: str | None = None
    article_id: str = Field(description="The source article.")
    url: str | None = None
    event_index: int = Field(ge=0, description="The mention (event of that article) the claim belongs to.")
    quote: Span = Field(description="The article's words stating the figure.")


class CorpusDate(_Model):
    """The most precise date every mention agrees with."""

    value: str | None = Field(default=None, description="ISO value: 'YYYY-MM-DD', 'YYYY-Www', 'YYYY-MM'.")
    precision: DatePrecision | None = None


class CorpusLocation(_Model):
    """A country of the event and the places the mentions name in it."""

    country_name: str | None = None
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-3.")
    places: list[str] = Field(default_factory=list, description="Places as the articles write them.")


class CorpusActor(_Model):
    """An actor: the name most mentions use, and every name the mentions use for it."""

    name: str
    names: list[str] = Field(default_factory=list, description="Every distinct name, as written.")


class Link(_Model):
    """Why two mentions were put in one corpus event."""

    a: MentionRef
    b: MentionRef
    score: float = Field(description="Similarity in [0, 1]; linked when >= the merge threshold.")
    features: dict[str, str] = Field(
        description="Feature -> what agreed, e.g. {'date': 'equal: 2019-12-29', 'actors': 'US ~ U.S.'}."
    )


class CorpusEvent(_Model):
    """One real-world event: every article that reported it, every claim, every source."""

    schema_version: str = SCHEMA_VERSION
    event_id: str = Field(description="Derived from the mentions' article ids and evidence offsets.")
    event_type: SubEventType = Field(description="The sub-event type most mentions give.")
    acled_event_type: AcledEventType
    disorder_type: DisorderType
    date: CorpusDate
    locations: list[CorpusLocation] = Field(default_factory=list)
    actor1: CorpusActor | None = None
    actor2: CorpusActor | None = None
    fatalities: int | None = Field(default=None, description="By ``fatalities_rule``.")
    fatalities_rule: str = FATALITIES_RULE
    claims: list[Claim] = Field(default_factory=list, description="Every casualty claim of every mention.")
    mentions: list[Mention] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    merge_explanation: list[Link] = Field(
        default_factory=list, description="The links that joined the mentions; empty for a single mention."
    )
