"""What the store's rows look like through the API: a job's summary (its status, counts and
timings) and an article's typed error line (and the row of one refused on submission)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .tables import Item, Job, Result

__all__ = ["error_body", "job_summary", "refused_row"]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def job_summary(session: Session, job: Job) -> dict[str, Any]:
    """Status, counts and timings of ``job``."""
    rows = session.execute(
        select(Item.status, func.count()).where(Item.job_id == job.id).group_by(Item.status)
    ).all()
    counts: dict[str, int] = {str(status): int(n) for status, n in rows}
    started = session.scalar(select(func.min(Result.created_at)).where(Result.job_id == job.id))
    pending = counts.get("pending", 0) + counts.get("running", 0)
    status = "cancelled" if job.cancelled_at else "done" if pending == 0 else "running"
    created, finished = _aware(job.created_at), _aware(job.finished_at)
    return {
        "id": job.id,
        "status": status,
        "prompt": job.prompt,
        "total": job.total,
        "done": counts.get("done", 0),
        "failed": counts.get("failed", 0),
        "pending": pending,
        "cancelled": counts.get("cancelled", 0),
        "created_at": created,
        "first_result_at": _aware(started),
        "finished_at": finished,
        "duration_s": round((finished - created).total_seconds(), 3) if finished and created else None,
    }


def error_body(article_id: str | None, kind: str, message: str) -> dict[str, Any]:
    """The stored form of one article's typed error."""
    return {"article_id": article_id, "error": {"type": kind, "message": message}}


def refused_row(item: Item, message: str) -> Result:
    """The result row of an article refused on submission (after its item was flushed): its
    ``InputError`` line, stored with the job."""
    return Result(
        item_id=item.id,
        job_id=item.job_id,
        position=item.position,
        article_id=item.article_id,
        created_at=dt.datetime.now(dt.UTC),
        kind="error",
        error_type="InputError",
        body=error_body(item.article_id, "InputError", message),
    )
