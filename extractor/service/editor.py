"""The review API: an article's records under review, the analysts' corrections and the machine's original.

* ``GET  /v1/jobs/{id}/articles/{position}/review``: every record with its decision (rejected ones
  included), the article's revision and whether it was marked reviewed;
* ``POST /v1/jobs/{id}/articles/{position}/corrections[?revision=N]``: one action (accept, reject
  with a guideline rule, set a field from a selection, add a place, claim or evidence, remove one,
  add a missed event, mark the article reviewed or reopen it); reviewers and admins only; with
  ``revision``, refused with 409 when someone else changed the article since;
* ``GET  /v1/jobs/{id}/articles/{position}/corrections``: the audit trail (who, when, which event
  and field, old and new value), oldest first;
* ``GET  /v1/jobs/{id}/articles/{position}/original``: the machine's result, as first stored.

Once an article has corrections, the corrected result is what ``/v1/jobs/{id}/results``,
``/v1/events`` (the corpus merge) and everything built on them serve.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from extractor import ArticleResult
from extractor.review import Action, ArticleReview, RecordedCorrection

from .problems import PROBLEM_RESPONSES, ProblemError
from .reviews import ReviewRow, StaleReviewError, append, load
from .state import Key, Service, Svc, Who

__all__ = ["router"]

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES)
_PATH = "/jobs/{job_id}/articles/{position}"
Position = Annotated[int, Path(ge=0, le=1_000_000, description="The article's place in the job (0-based).")]


async def _article(svc: Service, job_id: str, position: int, scope: str) -> ReviewRow:
    if await asyncio.to_thread(svc.store.job, job_id, key_hash=scope) is None:
        raise ProblemError(404, "job-not-found", f"no job {job_id}")
    row = await asyncio.to_thread(load, svc.store, job_id, position)
    if row is None:
        raise ProblemError(
            404, "article-not-found", f"job {job_id} has no article result at position {position}"
        )
    return row


@router.get(f"{_PATH}/review", response_model=ArticleReview, summary="An article's records under review")
async def article_review(job_id: str, position: Position, svc: Svc, key: Key) -> ArticleReview:
    return (await _article(svc, job_id, position, key)).review


@router.post(
    f"{_PATH}/corrections",
    response_model=ArticleReview,
    summary="Correct an article's records (reviewers): one action; the new review",
    responses={403: {"description": "The key's role may not change records"}, 409: {"description": "Stale"}},
)
async def correct(
    job_id: str,
    position: Position,
    action: Annotated[Action, Body()],
    *,
    svc: Svc,
    who: Who,
    revision: Annotated[int | None, Query(ge=0, description="The revision the change was made on.")] = None,
) -> ArticleReview:
    await _article(svc, job_id, position, who.scope)
    try:
        review = await asyncio.to_thread(
            append, svc.store, job_id, position, action, who=who.name, revision=revision
        )
    except StaleReviewError as exc:
        raise ProblemError(409, "stale-review", str(exc)) from None
    except LookupError:
        raise ProblemError(404, "article-not-found", f"job {job_id} has no article at {position}") from None
    return review


@router.get(
    f"{_PATH}/corrections", response_model=list[RecordedCorrection], summary="An article's audit trail"
)
async def corrections(job_id: str, position: Position, svc: Svc, key: Key) -> list[RecordedCorrection]:
    return (await _article(svc, job_id, position, key)).corrections


@router.get(f"{_PATH}/original", response_model=ArticleResult, summary="The machine's result, uncorrected")
async def original(job_id: str, position: Position, svc: Svc, key: Key) -> ArticleResult:
    return (await _article(svc, job_id, position, key)).original
