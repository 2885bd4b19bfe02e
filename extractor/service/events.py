"""``GET /v1/events``: the merged corpus (``extractor.merge``) of every result this key's jobs stored.

The latest result per article id is merged (an article extracted again replaces its earlier
result; a corrected result is merged as corrected); the merged corpus is kept and updated with the
results and corrections stored since the last request (``corpora``), not merged again; filters read
the corpus events unbuilt and only the page returned is built. Filters: country (ISO alpha-3 code or
name), sub-event type, date range (a corpus event is kept when its date's interval overlaps the
range), and ``job`` (only that job's results are merged); paginated with ``offset`` and ``limit``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from extractor import ArticleResult
from extractor.corpus import Cluster, CorpusEvent, IncrementalCorpus, date_interval

from .problems import PROBLEM_RESPONSES, ProblemError
from .state import Key, Service, Svc

__all__ = ["router"]

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES)


class EventPage(BaseModel):
    total: int = Field(description="Corpus events matching the filters.")
    offset: int
    limit: int
    events: list[CorpusEvent]


async def _corpus(svc: Service, key: str, job: str | None = None) -> list[Cluster]:
    """This key's corpus events, unbuilt (``corpora``: kept and updated as results arrive), or its
    job ``job``'s (merged for each request: one job is small)."""
    if job is None:
        return (await svc.corpora.events(key)).clusters
    if await asyncio.to_thread(svc.store.job, job, key_hash=key) is None:
        raise ProblemError(404, "job-not-found", f"no job {job}", pointer="/query/job")
    bodies = await asyncio.to_thread(svc.store.result_bodies, key_hash=key, job_id=job)
    latest = {body["article_id"]: body for body in bodies}  # oldest first: the last one wins
    return await asyncio.to_thread(_merged, list(latest.values()))


def _merged(bodies: list[dict[str, object]]) -> list[Cluster]:
    corpus = IncrementalCorpus()
    for body in bodies:
        corpus.add(ArticleResult.model_validate(body))
    return corpus.events().clusters


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
    job: Annotated[
        str | None, Query(max_length=64, description="only the results of this job (its id), merged")
    ] = None,
) -> EventPage:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ProblemError(422, "validation-error", "date_from is after date_to", pointer="/query/date_from")
    found = [c for c in await _corpus(svc, key, job) if _matches(c, country, event_type, date_from, date_to)]
    page = [c.build() for c in found[offset : offset + limit]]  # only the page is built
    return EventPage(total=len(found), offset=offset, limit=limit, events=page)


@router.get("/events/{event_id}", response_model=CorpusEvent, summary="One corpus event: mentions and claims")
async def event(event_id: str, svc: Svc, key: Key) -> CorpusEvent:
    for found in (await svc.corpora.events(key)).clusters:
        if found.event_id == event_id:
            return found.build()
    raise ProblemError(404, "event-not-found", f"no corpus event {event_id}")
