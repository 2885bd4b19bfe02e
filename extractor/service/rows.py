"""What the store takes and gives: the statuses of jobs, articles and results (``str`` enums: their
values are what the database holds and the API shows) and its rows as frozen dataclasses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

__all__ = [
    "Claimed",
    "ItemStatus",
    "JobState",
    "JobSummary",
    "NewArticle",
    "Outcome",
    "ResultKind",
    "StoredArticle",
]


class ItemStatus(enum.StrEnum):
    """An article of a job: pending -> running -> done | failed; pending/running -> cancelled."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: The statuses of an article that still has to be extracted.
UNFINISHED: tuple[ItemStatus, ...] = (ItemStatus.PENDING, ItemStatus.RUNNING)


class JobState(enum.StrEnum):
    """A job as a whole: running until no article is left to do, or cancelled."""

    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class ResultKind(enum.StrEnum):
    """A stored result: an ``ArticleResult``, or a typed error (``{"type", "message"}``)."""

    RESULT = "result"
    ERROR = "error"


@dataclasses.dataclass(frozen=True)
class NewArticle:
    text: str
    article_id: str | None = None
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    #: set when the article was refused on submission: stored at once as its typed error line
    error: str | None = None


@dataclasses.dataclass(frozen=True)
class Claimed:
    """An article leased to a worker."""

    item_id: int
    job_id: str
    position: int
    prompt: str | None
    article: NewArticle


@dataclasses.dataclass(frozen=True)
class JobSummary:
    """A job's state, counts of its articles by status, and timings (UTC)."""

    id: str
    status: JobState
    prompt: str | None
    total: int
    done: int
    failed: int
    pending: int  #: pending or running
    cancelled: int
    created_at: dt.datetime | None
    first_result_at: dt.datetime | None
    finished_at: dt.datetime | None

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None or self.created_at is None:
            return None
        return round((self.finished_at - self.created_at).total_seconds(), 3)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """An article that can be streamed: its stored body, or None when it was cancelled before it
    was done."""

    position: int
    status: ItemStatus
    article_id: str | None
    body: dict[str, Any] | None


@dataclasses.dataclass(frozen=True)
class StoredArticle:
    """An article of a job with its stored body (the corrected one where corrected), or None."""

    position: int
    text: str
    body: dict[str, Any] | None
