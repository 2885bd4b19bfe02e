"""``GET /v1/events``: the merged corpus (``extractor.merge``) of every result this key's jobs stored.

The latest result per article id is merged (an article extracted again replaces its earlier
result; a corrected result is merged as corrected); the merged corpus is kept and updated with the
results and corrections stored since the last request (``corpora``), not merged again. Filters:
country (ISO alpha-3 code or
name), sub-event type, date range (a corpus event is kept when its date's interval overlaps the
range); paginated with ``offset`` and ``limit``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from extractor.corpus import Cluster, CorpusEvent, date_interval

from .problems import PROBLEM_RESPONSES, ProblemError
from .state import Key, Svc

__all__ = ["router"]

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES)


class EventPage(BaseModel):
    total: int = Field(description="Corpus events matching the filters.")
    offset: int
    limit: int
    events: list[CorpusEvent]


def _matches(
    event: Cluster,
    country: str | None,
    event_type: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> bool:
    """Whether a corpus event (read unbuilt: its type, countries and date) passes the filters."""
    if event_type is not None and event.event_type != event_type:
        return False
    if country is not None:
        wanted = country.casefold()
        if wanted not in {(name or "").casefold() for pair in event.countries for name in pair}:
            return False
    if date_from is None and date_to is None:
        return True
    interval = date_interval(event.date_value)
    if interval is None:
        return False
    start, end = interval
    return (date_from is None or end >= date_from) and (date_to is None or start <= date_to)


@router.get("/events", response_model=EventPage, summary="The merged corpus of stored results, filtered")
async def events(
    *,
    svc: Svc,
    key: Key,
    country: Annotated[str | None, Query(max_length=100, description="ISO alpha-3 code or name")] = None,
    event_type: Annotated[str | None, Query(max_length=100, description="ACLED sub-event type")] = None,
    date_from: Annotated[dt.date | None, Query(description="events on or after, YYYY-MM-DD")] = None,
    date_to: Annotated[dt.date | None, Query(description="events on or before, YYYY-MM-DD")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EventPage:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ProblemError(422, "validation-error", "date_from is after date_to", pointer="/query/date_from")
    corpus = await svc.corpora.events(key)
    found = [c for c in corpus.clusters if _matches(c, country, event_type, date_from, date_to)]
    page = [c.build() for c in found[offset : offset + limit]]  # only the page is built
    return EventPage(total=len(found), offset=offset, limit=limit, events=page)


@router.get("/events/{event_id}", response_model=CorpusEvent, summary="One corpus event: mentions and claims")
async def event(event_id: str, svc: Svc, key: Key) -> CorpusEvent:
    for found in (await svc.corpora.events(key)).clusters:
        if found.event_id == event_id:
            return found.build()
    raise ProblemError(404, "event-not-found", f"no corpus event {event_id}")
