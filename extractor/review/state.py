"""The state of one article under review: the machine's records folded with the analysts' corrections.

A correction is one append-only change: which event (its number in the article, 1-based; none
for the article itself), which field, the old and the new value (JSON), who and when. Folding
the corrections in order over the machine's original ``ArticleResult`` gives the
``ArticleReview`` (every record with its decision, rejected ones included) and from it the
corrected ``ArticleResult`` the service serves (rejected records left out, each kept record
flagged ``reviewed`` when an analyst accepted, changed or added it). The original is never
changed.

Fields a correction can carry: ``decision`` (``{"status": "accepted" | "rejected" | "proposed",
"rule": ...}``), ``event_type``, ``date``, ``actor1``, ``actor2``, ``locations``, ``casualties``,
``evidence`` (each the field's whole new value in the record schema), ``event`` (a record an
analyst added: the whole record) and, for the article, ``done`` (true/false). Derived values
(ACLED event and disorder types, fatalities) are derived again after each change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.events_v3 import ArticleResult, Event

from ..derive import acled_categories, fatalities

__all__ = [
    "EDITABLE_FIELDS",
    "ArticleReview",
    "Correction",
    "RecordedCorrection",
    "ReviewedEvent",
    "Status",
    "corrected_result",
    "fold",
]

Status = Literal["proposed", "accepted", "rejected"]

#: Fields of a record an analyst can change (each a span of the article or derived from spans).
EDITABLE_FIELDS: tuple[str, ...] = (
    "event_type",
    "date",
    "actor1",
    "actor2",
    "locations",
    "casualties",
    "evidence",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Correction(_Model):
    """One change, before it is stored: the event's number (None: the article), the field, old and new."""

    event: int | None = Field(
        description="The event's number in the article (1-based); null for the article."
    )
    field: str = Field(description="decision, event_type, date, actor1, actor2, locations, casualties, "
                       "evidence, event (an added record) or done (the article).")  # fmt: skip
    old: Any = Field(default=None, description="The value before (JSON), null when there was none.")
    new: Any = Field(default=None, description="The value after (JSON).")


class RecordedCorrection(Correction):
    """A stored correction: the audit trail's row."""

    id: int = Field(description="Its place in the append-only trail (increasing).")
    who: str = Field(description="The name of the API key that made it.")
    at: dt.datetime = Field(description="When it was stored (UTC).")


class ReviewedEvent(_Model):
    """One record of the article, as corrected so far, with the analysts' decision."""

    number: int = Field(description="1-based; machine records first, in their order, then added ones.")
    origin: Literal["machine", "analyst"]
    status: Status = Field(
        description="proposed (nobody decided yet), accepted (accepted, changed or added by an "
        "analyst) or rejected."
    )
    rule: str | None = Field(default=None, description="Why it was rejected: a rule of evals/GUIDELINES.md.")
    edited: list[str] = Field(default_factory=list, description="Fields an analyst changed.")
    reviewers: list[str] = Field(default_factory=list, description="Who decided or changed it.")
    event: Event


class ArticleReview(_Model):
    """An article's records under review."""

    article_id: str
    published: dt.date | None = None
    done: bool = Field(default=False, description="An analyst marked the article reviewed.")
    revision: int = Field(default=0, description="Corrections applied so far.")
    events: list[ReviewedEvent] = Field(default_factory=list)

    def find(self, number: int) -> ReviewedEvent | None:
        return next((e for e in self.events if e.number == number), None)


def _derived(record: dict[str, Any]) -> Event:
    """The record with its derived fields computed again from what the analysts set."""
    acled_type, disorder = acled_categories(record["event_type"])
    record["acled_event_type"], record["disorder_type"] = acled_type, disorder
    event = Event.model_validate(record)
    return event.model_copy(update={"fatalities": fatalities(event.casualties)})


def _touch(entry: ReviewedEvent, who: str) -> None:
    if who not in entry.reviewers:
        entry.reviewers.append(who)


def _apply(review: ArticleReview, correction: Correction, who: str) -> None:
    if correction.event is None:
        if correction.field != "done":
            raise ValueError(f"an article-level correction must be 'done', not {correction.field!r}")
        review.done = bool(correction.new)
        return
    if correction.field == "event":
        added = _derived(dict(correction.new))
        review.events.append(
            ReviewedEvent(number=correction.event, origin="analyst", status="accepted", event=added)
        )
        review.events[-1].reviewers.append(who)
        return
    entry = review.find(correction.event)
    if entry is None:
        raise ValueError(f"correction of event {correction.event}, which the article does not have")
    _touch(entry, who)
    if correction.field == "decision":
        entry.status = correction.new["status"]
        entry.rule = correction.new.get("rule") if entry.status == "rejected" else None
        return
    if correction.field not in EDITABLE_FIELDS:
        raise ValueError(f"unknown field {correction.field!r}")
    record = entry.event.model_dump(mode="json")
    record[correction.field] = correction.new
    entry.event = _derived(record)
    if correction.field not in entry.edited:
        entry.edited.append(correction.field)
    if entry.status == "proposed":
        entry.status = "accepted"  # a record an analyst corrected is one they accept


def fold(original: ArticleResult, corrections: Iterable[Correction | RecordedCorrection]) -> ArticleReview:
    """The article's review: ``original``'s records with ``corrections`` applied in order."""
    review = ArticleReview(
        article_id=original.article_id,
        published=original.published,
        events=[
            ReviewedEvent(number=i, origin="machine", status="proposed", event=event)
            for i, event in enumerate(original.events, 1)
        ],
    )
    for correction in corrections:
        _apply(review, correction, getattr(correction, "who", ""))
        review.revision += 1
    return review


def corrected_result(original: ArticleResult, review: ArticleReview) -> ArticleResult:
    """What is served once the article has corrections: its kept records, the reviewed ones flagged."""
    if review.revision == 0:
        return original
    events = [
        entry.event.model_copy(update={"reviewed": entry.status == "accepted"})
        for entry in review.events
        if entry.status != "rejected"
    ]
    return original.model_copy(update={"events": events})
