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
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import ColumnElement, Engine, and_, create_engine, event, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from .bodies import error_body, job_summary, refused_row
from .tables import Item, Job, Result

__all__ = ["Claimed", "IdempotencyConflictError", "NewArticle", "Store", "error_body", "utcnow"]

_MIGRATIONS = Path(__file__).with_name("migrations")
#: A PostgreSQL advisory lock (any constant key): service processes started together on one empty
#: database migrate one after the other (two at once both create ``alembic_version``; one fails).
MIGRATION_LOCK = 0x6578_7472


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
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.migrate()

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # held until this transaction ends
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

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
        """The job's id and whether it is new (False: the same key and body were sent before)."""
        with self._sessions.begin() as session:
            if idempotency_key is not None:
                earlier = session.scalars(
                    select(Job).where(Job.key_hash == key_hash, Job.idempotency_key == idempotency_key)
                ).first()
                if earlier is not None:
                    if earlier.body_sha256 != body_sha256:
                        raise IdempotencyConflictError(idempotency_key)
                    return earlier.id, False
            job_id = uuid.uuid4().hex
            session.add(
                Job(
                    id=job_id,
                    created_at=utcnow(),
                    key_hash=key_hash,
                    idempotency_key=idempotency_key,
                    body_sha256=body_sha256,
                    prompt=prompt,
                    total=len(articles),
                    finished_at=None if any(a.error is None for a in articles) else utcnow(),
                )
            )
            session.flush()
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

    def cancel(self, job_id: str) -> bool:
        """Cancel the job's unfinished items; finished ones keep their results. A job with nothing
        left to do (finished, or cancelled before) is left as it is: False."""
        with self._sessions.begin() as session:
            # items first, as `finish` does, so that the two never wait on each other's locks
            moved = session.execute(
                update(Item)
                .where(Item.job_id == job_id, Item.status.in_(("pending", "running")))
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

    def result_count(self, *, key_hash: str = "", job_id: str | None = None) -> int:
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(Result)
                    .join(Job, Job.id == Result.job_id)
                    .where(Result.kind == "result", Job.key_hash == key_hash, *_of_job(job_id))
                )
                or 0
            )


def _of_job(job_id: str | None) -> list[ColumnElement[bool]]:
    """The condition limiting results to one job (none when ``job_id`` is None)."""
    return [] if job_id is None else [Result.job_id == job_id]


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses no commit
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
