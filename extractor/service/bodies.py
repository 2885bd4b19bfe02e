"""What the store's rows look like through the API: a job's summary (its status, counts and
timings), an article's typed error line, and the row of an article refused on submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .rows import JobSummary, Outcome, ResultKind
from .tables import Item, Result

__all__ = ["CANCELLED_MESSAGE", "error_body", "job_body", "outcome_body", "refused_row"]

CANCELLED_MESSAGE = "the job was cancelled before this article was done"


def job_body(job: JobSummary) -> dict[str, Any]:
    """Status, counts and timings of ``job``, as ``JobStatus`` reads them."""
    return {
        "id": job.id,
        "status": job.status.value,
        "prompt": job.prompt,
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
        "pending": job.pending,
        "cancelled": job.cancelled,
        "created_at": job.created_at,
        "first_result_at": job.first_result_at,
        "finished_at": job.finished_at,
        "duration_s": job.duration_s,
    }


def error_body(article_id: str | None, kind: str, message: str) -> dict[str, Any]:
    """The stored form of one article's typed error."""
    return {"article_id": article_id, "error": {"type": kind, "message": message}}


def outcome_body(outcome: Outcome) -> dict[str, Any]:
    """The NDJSON line of one article: its stored body, or its ``Cancelled`` error."""
    if outcome.body is not None:
        return outcome.body
    return error_body(outcome.article_id, "Cancelled", CANCELLED_MESSAGE)


def refused_row(item: Item, message: str) -> Result:
    """The result row of an article refused on submission (after its item was flushed): its
    ``InputError`` line, stored with the job."""
    return Result(
        item_id=item.id,
        job_id=item.job_id,
        position=item.position,
        article_id=item.article_id,
        created_at=dt.datetime.now(dt.UTC),
        kind=ResultKind.ERROR,
        error_type="InputError",
        body=error_body(item.article_id, "InputError", message),
    )
