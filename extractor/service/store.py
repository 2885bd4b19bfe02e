"""The service's database: jobs, their articles (work items) and results, through SQLAlchemy 2.

Every function is synchronous and short; the app calls them in a thread. Each article's result
is committed on its own transaction together with its item's new status, so whatever was done
survives a crash. Where analysts corrected a result, its corrected body is what is read
(``results.reviewed_body``; the machine's ``body`` is kept).

A worker *claims* pending items by giving them a lease (an owner and an expiry;
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so replicas never take the same row); an item whose
lease has run out (its worker died) is pending again. A result is stored only by the owner of a
live lease, and ``results`` is keyed by the item: one result per article, whatever happens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .bodies import error_body, job_summary, refused_row
from .database import MIGRATION_LOCK, open_database, probe
from .tables import Item, Job, Result

__all__ = [
    "MIGRATION_LOCK",
    "Claimed",
    "IdempotencyConflictError",
    "NewArticle",
    "Store",
    "error_body",
    "utcnow",
]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IdempotencyConflictError(Exception):
    """The Idempotency-Key was used before with another body."""


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
    item_id: int
    job_id: str
    position: int
    prompt: str | None
    article: NewArticle


class Store:
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
        """A session for reads outside this class (``corpora``); use it as a context manager."""
        return self._sessions()

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
                    status="pending" if a.error is None else "failed",
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

    def job(self, job_id: str, *, key_hash: str = "") -> dict[str, Any] | None:
        """Status, counts and timings of one job, or None (also for another key's job)."""
        with self._sessions() as session:
            job = session.get(Job, job_id)
            if job is None or job.key_hash != key_hash:
                return None
            return job_summary(session, job)

    def jobs(
        self, *, key_hash: str = "", offset: int = 0, limit: int = 50
    ) -> tuple[int, list[dict[str, Any]]]:
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
            return int(total or 0), [job_summary(session, job) for job in page]

    def cancel(self, job_id: str, *, key_hash: str = "") -> bool:
        """Cancel the job's unfinished items, if the job is this key's; finished ones keep their
        results. Another key's job, or a job with nothing left to do (finished, or cancelled
        before), is left as it is: False."""
        mine = select(Job.id).where(Job.id == job_id, Job.key_hash == key_hash).scalar_subquery()
        with self._sessions.begin() as session:
            # items first, as `finish` does, so that the two never wait on each other's locks
            moved = session.execute(
                update(Item)
                .where(Item.job_id == mine, Item.status.in_(("pending", "running")))
                .values(status="cancelled", lease_owner=None, lease_until=None)
            )
            if getattr(moved, "rowcount", 0) == 0:
                return False
            # it had unfinished items: neither cancelled nor finished until now
            now = utcnow()
            session.execute(update(Job).where(Job.id == job_id).values(cancelled_at=now, finished_at=now))
        return True

    def outcomes(self, job_id: str, start: int, limit: int = 500) -> list[tuple[int, str, dict[str, Any]]]:
        """From ``start`` on, in input order, up to ``limit`` articles that can be streamed now
        (position, item status, body), stopping at the first without an outcome. Bodies are read
        for that run only, so a stream polling a long job does not reload those it cannot send."""
        with self._sessions() as session:
            rows = session.execute(
                select(Item.position, Item.status, Item.article_id, Result.item_id)
                .outerjoin(Result, Result.item_id == Item.id)
                .where(Item.job_id == job_id, Item.position >= start)
                .order_by(Item.position)
                .limit(limit)
            ).all()
            ready = list(itertools.takewhile(lambda r: r[3] is not None or r[1] == "cancelled", rows))
            ids = [r[3] for r in ready if r[3] is not None]
            query = select(Result.item_id, Result.body, Result.reviewed_body).where(Result.item_id.in_(ids))
            bodies: dict[int, Any] = (
                {i: reviewed or body for i, body, reviewed in session.execute(query)} if ids else {}
            )
        gone = "the job was cancelled before this article was done"
        return [
            (int(p), str(s), bodies[r] if r is not None else error_body(a, "Cancelled", gone))
            for p, s, a, r in ready
        ]

    def articles(self, job_id: str) -> list[tuple[int, str, dict[str, Any] | None]]:
        """Every article of the job in input order: (position, text, stored body or None)."""
        with self._sessions() as session:
            rows = session.execute(
                select(Item.position, Item.text, Result.body, Result.reviewed_body)
                .outerjoin(Result, Result.item_id == Item.id)
                .where(Item.job_id == job_id)
                .order_by(Item.position)
            ).all()
        return [(int(position), str(text), reviewed or body) for position, text, body, reviewed in rows]

    # ------------------------------------------------------------------ work
    def claim(self, owner: str, limit: int, lease_s: float) -> list[Claimed]:
        """Lease up to ``limit`` pending items (or items whose lease ran out) to ``owner``."""
        now = utcnow()
        with self._sessions.begin() as session:
            items = session.scalars(
                select(Item)
                .where(or_(Item.status == "pending", and_(Item.status == "running", Item.lease_until < now)))
                .order_by(Item.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            prompts = dict(
                session.execute(select(Job.id, Job.prompt).where(Job.id.in_({i.job_id for i in items}))).all()
            )
            claimed = []
            for item in items:
                item.status = "running"
                item.lease_owner = owner
                item.lease_until = now + dt.timedelta(seconds=lease_s)
                item.attempts += 1
                article = NewArticle(item.text, item.article_id, item.published, item.title, item.url)
                claimed.append(
                    Claimed(item.id, item.job_id, item.position, prompts.get(item.job_id), article)
                )
        return claimed

    def renew(self, owner: str, item_ids: Sequence[int], lease_s: float) -> None:
        if not item_ids:
            return
        with self._sessions.begin() as session:
            session.execute(
                update(Item)
                .where(Item.id.in_(item_ids), Item.lease_owner == owner, Item.status == "running")
                .values(lease_until=utcnow() + dt.timedelta(seconds=lease_s))
            )

    def release(self, owner: str) -> None:
        """Hand back every item ``owner`` still holds (a clean shutdown)."""
        with self._sessions.begin() as session:
            session.execute(
                update(Item)
                .where(Item.lease_owner == owner, Item.status == "running")
                .values(status="pending", lease_owner=None, lease_until=None)
            )

    def finish(self, claimed: Claimed, owner: str, body: dict[str, Any], *, error_type: str | None) -> bool:
        """Store the item's one result, if ``owner`` still holds its lease. True when stored."""
        try:
            with self._sessions.begin() as session:
                moved = session.execute(
                    update(Item)
                    .where(Item.id == claimed.item_id, Item.lease_owner == owner, Item.status == "running")
                    .values(status="failed" if error_type else "done", lease_owner=None, lease_until=None)
                )
                if getattr(moved, "rowcount", 0) != 1:
                    return False
                published = body.get("published")
                session.add(
                    Result(
                        item_id=claimed.item_id,
                        job_id=claimed.job_id,
                        position=claimed.position,
                        article_id=body.get("article_id"),
                        created_at=utcnow(),
                        kind="error" if error_type else "result",
                        error_type=error_type,
                        published=dt.date.fromisoformat(published) if isinstance(published, str) else None,
                        events=len(body.get("events") or ()),
                        body=body,
                    )
                )
                session.flush()
                left = session.scalar(
                    select(func.count()).where(
                        Item.job_id == claimed.job_id, Item.status.in_(("pending", "running"))
                    )
                )
                if left == 0:
                    session.execute(
                        update(Job)
                        .where(Job.id == claimed.job_id, Job.finished_at.is_(None))
                        .values(finished_at=utcnow())
                    )
        except IntegrityError:
            return False
        return True

    def queue_depth(self) -> int:
        with self._sessions() as session:
            return int(
                session.scalar(select(func.count()).where(Item.status.in_(("pending", "running")))) or 0
            )

    def result_bodies(self, *, key_hash: str = "", job_id: str | None = None) -> list[dict[str, Any]]:
        """Every stored ArticleResult of this key's jobs, or of its job ``job_id`` (not the errors),
        oldest first; the corrected one where analysts corrected it."""
        with self._sessions() as session:
            rows = session.execute(
                select(Result.body, Result.reviewed_body)
                .join(Job, Job.id == Result.job_id)
                .where(Result.kind == "result", Job.key_hash == key_hash, *_of_job(job_id))
                .order_by(Result.created_at, Result.item_id)
            ).all()
        return [dict(reviewed or body) for body, reviewed in rows]


def _of_job(job_id: str | None) -> list[ColumnElement[bool]]:
    """The condition limiting results to one job (none when ``job_id`` is None)."""
    return [] if job_id is None else [Result.job_id == job_id]
