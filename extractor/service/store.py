"""The service's database: jobs, their articles (work items) and results, through SQLAlchemy 2.

Every function is synchronous and short; the app calls them in a thread. Each article's result
is committed on its own transaction together with its item's new status, so whatever was done
survives a crash. Where analysts corrected a result, its corrected body is what is read
(``results.reviewed_body``; the machine's ``body`` is kept). The workers' side (leases, results)
is in ``leases.py``; rows and statuses are in ``rows.py``; what they look like through the API is
built by ``bodies.py``, not here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from .bodies import refused_row
from .database import MIGRATION_LOCK, open_database, probe
from .leases import Leases, utcnow
from .rows import (
    UNFINISHED,
    Claimed,
    ItemStatus,
    JobState,
    JobSummary,
    NewArticle,
    Outcome,
    ResultKind,
    StoredArticle,
)
from .tables import Item, Job, Result

__all__ = [
    "MIGRATION_LOCK",
    "Claimed",
    "IdempotencyConflictError",
    "NewArticle",
    "Store",
    "utcnow",
]


class IdempotencyConflictError(Exception):
    """The Idempotency-Key was used before with another body."""


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _summary(session: Session, job: Job) -> JobSummary:
    rows = session.execute(
        select(Item.status, func.count()).where(Item.job_id == job.id).group_by(Item.status)
    ).all()
    counts = {ItemStatus(status): int(n) for status, n in rows}
    started = session.scalar(select(func.min(Result.created_at)).where(Result.job_id == job.id))
    pending = sum(counts.get(status, 0) for status in UNFINISHED)
    state = JobState.CANCELLED if job.cancelled_at else JobState.DONE if pending == 0 else JobState.RUNNING
    return JobSummary(
        id=job.id,
        status=state,
        prompt=job.prompt,
        total=job.total,
        done=counts.get(ItemStatus.DONE, 0),
        failed=counts.get(ItemStatus.FAILED, 0),
        pending=pending,
        cancelled=counts.get(ItemStatus.CANCELLED, 0),
        created_at=_aware(job.created_at),
        first_result_at=_aware(started),
        finished_at=_aware(job.finished_at),
    )


class Store(Leases):
    """One database. ``Store(url)`` runs the migrations up to the newest before anything else."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine, self.identity = open_database(url)  # migrated, written once, watched
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def _insert(self) -> Any:
        """The dialect's INSERT (with ``on_conflict_do_nothing``): SQLite's or PostgreSQL's."""
        return sqlite_insert if self.is_sqlite else postgresql_insert

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        """A session for reads outside this class (``corpora``, ``reviews``); use it as a context manager."""
        return self._sessions()

    def transaction(self) -> AbstractContextManager[Session]:
        """A session in a transaction committed at the end of the ``with`` block (``reviews``)."""
        return self._sessions.begin()

    def ping(self) -> None:
        """Raise ``DatabaseUnavailableError`` unless the database is still the one opened and
        takes a write (``database.probe``)."""
        probe(self.engine, self.identity)

    # ------------------------------------------------------------------ jobs
    def create_job(
        self,
        articles: Sequence[NewArticle],
        *,
        prompt: str | None,
        body_sha256: str,
        key_hash: str = "",
        idempotency_key: str | None = None,
    ) -> tuple[str, bool]:
        """The job's id and whether it is new (False: the same key and body were sent before).
        Insert-or-return in one transaction (``ON CONFLICT DO NOTHING`` on the API key and
        Idempotency-Key): of concurrent requests with one key one inserts, the others read its job."""
        job_id = uuid.uuid4().hex
        now = utcnow()
        row = {
            "id": job_id,
            "created_at": now,
            "key_hash": key_hash,
            "idempotency_key": idempotency_key,
            "body_sha256": body_sha256,
            "prompt": prompt,
            "total": len(articles),
            "finished_at": None if any(a.error is None for a in articles) else now,
        }
        jobs = cast(Table, Job.__table__)  # Core statements: ``RETURNING`` says whether this one inserted
        with self._sessions.begin() as session:
            if idempotency_key is None:
                session.execute(insert(jobs).values(**row))
            else:
                new_row = (
                    self._insert(jobs)
                    .values(**row)
                    .on_conflict_do_nothing(index_elements=[jobs.c.key_hash, jobs.c.idempotency_key])
                    .returning(jobs.c.id)
                )
                if session.execute(new_row).scalar() is None:
                    earlier = session.execute(
                        select(Job.id, Job.body_sha256).where(
                            Job.key_hash == key_hash, Job.idempotency_key == idempotency_key
                        )
                    ).one()
                    if earlier.body_sha256 != body_sha256:
                        raise IdempotencyConflictError(idempotency_key)
                    return str(earlier.id), False
            items = [
                Item(
                    job_id=job_id,
                    position=i,
                    status=ItemStatus.PENDING if a.error is None else ItemStatus.FAILED,
                    attempts=0,
                    **{k: v for k, v in dataclasses.asdict(a).items() if k != "error"},
                )
                for i, a in enumerate(articles)
            ]
            session.add_all(items)
            session.flush()
            session.add_all(
                refused_row(item, a.error)
                for item, a in zip(items, articles, strict=True)
                if a.error is not None
            )
        return job_id, True

    def job(self, job_id: str, *, key_hash: str = "") -> JobSummary | None:
        """Status, counts and timings of one job, or None (also for another key's job)."""
        with self._sessions() as session:
            job = session.get(Job, job_id)
            if job is None or job.key_hash != key_hash:
                return None
            return _summary(session, job)

    def jobs(self, *, key_hash: str = "", offset: int = 0, limit: int = 50) -> tuple[int, list[JobSummary]]:
        """How many jobs this key has, and ``limit`` of their summaries from ``offset``, newest first."""
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(Job).where(Job.key_hash == key_hash))
            page = session.scalars(
                select(Job)
                .where(Job.key_hash == key_hash)
                .order_by(Job.created_at.desc(), Job.id.desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return int(total or 0), [_summary(session, job) for job in page]

    def cancel(self, job_id: str, *, key_hash: str = "") -> bool:
        """Cancel the job's unfinished items, if the job is this key's; finished ones keep their
        results. Another key's job, or a job with nothing left to do (finished, or cancelled
        before), is left as it is: False."""
        mine = select(Job.id).where(Job.id == job_id, Job.key_hash == key_hash).scalar_subquery()
        with self._sessions.begin() as session:
            # items first, as `finish` does, so that the two never wait on each other's locks
            moved = session.execute(
                update(Item)
                .where(Item.job_id == mine, Item.status.in_(UNFINISHED))
                .values(status=ItemStatus.CANCELLED, lease_owner=None, lease_until=None)
            )
            if getattr(moved, "rowcount", 0) == 0:
                return False
            # it had unfinished items: neither cancelled nor finished until now
            now = utcnow()
            session.execute(update(Job).where(Job.id == job_id).values(cancelled_at=now, finished_at=now))
        return True

    def outcomes(self, job_id: str, start: int, limit: int = 500) -> list[Outcome]:
        """From ``start`` on, in input order, up to ``limit`` articles that can be streamed now,
        stopping at the first without an outcome (a result, or cancelled). Bodies are read for that
        run only, so a stream polling a long job does not reload those it cannot send."""
        with self._sessions() as session:
            rows = session.execute(
                select(Item.position, Item.status, Item.article_id, Result.item_id)
                .outerjoin(Result, Result.item_id == Item.id)
                .where(Item.job_id == job_id, Item.position >= start)
                .order_by(Item.position)
                .limit(limit)
            ).all()
            ready = list(
                itertools.takewhile(lambda r: r.item_id is not None or r.status == ItemStatus.CANCELLED, rows)
            )
            ids = [r.item_id for r in ready if r.item_id is not None]
            query = select(Result.item_id, Result.body, Result.reviewed_body).where(Result.item_id.in_(ids))
            bodies: dict[int, Any] = (
                {i: reviewed or body for i, body, reviewed in session.execute(query)} if ids else {}
            )
        return [
            Outcome(
                position=int(r.position),
                status=ItemStatus(r.status),
                article_id=r.article_id,
                body=None if r.item_id is None else bodies[r.item_id],
            )
            for r in ready
        ]

    def articles(self, job_id: str) -> list[StoredArticle]:
        """Every article of the job in input order, with its stored body or None."""
        with self._sessions() as session:
            rows = session.execute(
                select(Item.position, Item.text, Result.body, Result.reviewed_body)
                .outerjoin(Result, Result.item_id == Item.id)
                .where(Item.job_id == job_id)
                .order_by(Item.position)
            ).all()
        return [StoredArticle(int(r.position), str(r.text), r.reviewed_body or r.body) for r in rows]

    def result_bodies(self, *, key_hash: str = "", job_id: str | None = None) -> list[dict[str, Any]]:
        """Every stored ArticleResult of this key's jobs, or of its job ``job_id`` (not the errors),
        oldest first; the corrected one where analysts corrected it."""
        with self._sessions() as session:
            rows = session.execute(
                select(Result.body, Result.reviewed_body)
                .join(Job, Job.id == Result.job_id)
                .where(Result.kind == ResultKind.RESULT, Job.key_hash == key_hash, *_of_job(job_id))
                .order_by(Result.created_at, Result.item_id)
            ).all()
        return [dict(reviewed or body) for body, reviewed in rows]


def _of_job(job_id: str | None) -> list[ColumnElement[bool]]:
    """The condition limiting results to one job (none when ``job_id`` is None)."""
    return [] if job_id is None else [Result.job_id == job_id]
