"""Corpus record schema, version 2 (``corpus.v2``): one record per real-world event, built from many articles.

What changed from ``corpus.v1`` (which stays loadable): each ``Mention`` keeps its article's record
as an ``events.v3`` ``Event``, whole, and a corpus event says whether analysts reviewed every one of
them (``reviewed``). Every other model is ``corpus.v1``'s, redefined here as a
subclass only where a field changed, so that a field added to one reaches the records containing it.

This module imports nothing from the rest of the project but ``schemas.corpus_v1`` and
``schemas.events_v3``. A change to any model here must be followed by ``make schemas``.
"""

from __future__ import annotations

from pydantic import Field

from schemas import corpus_v1
from schemas.corpus_v1 import (
    FATALITIES_RULE,
    Claim,
    CorpusActor,
    CorpusDate,
    CorpusLocation,
    Link,
    MentionRef,
    Source,
)
from schemas.events_v3 import Event

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

SCHEMA_VERSION = "corpus.v2"


class Mention(corpus_v1.Mention):
    """One article's record of the event, kept whole (its evidence spans locate it in the article)."""

    event: Event = Field(description="The article's record, unchanged.")


class CorpusEvent(corpus_v1.CorpusEvent):
    """One real-world event: every article that reported it, every claim, every source."""

    schema_version: str = SCHEMA_VERSION
    mentions: list[Mention] = Field(min_length=1)  # type: ignore[assignment]
    reviewed: bool = Field(
        default=False,
        description="True when an analyst reviewed the record of every mention (``Event.reviewed``).",
    )


# Re-exported names keep one definition for what did not change.
_ = (FATALITIES_RULE, Claim, CorpusActor, CorpusDate, CorpusLocation, Link, MentionRef, Source)
