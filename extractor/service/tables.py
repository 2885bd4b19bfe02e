"""The service's tables (SQLAlchemy 2). The schema itself is created and changed by Alembic
migrations (``extractor/service/migrations``), never by ``create_all``.

* ``jobs``: one per ``POST /v1/jobs`` (and its ``Idempotency-Key``, scoped to the API key);
* ``items``: one per article of a job, with its place in the input and its lease while a
  worker extracts it;
* ``results``: at most one per item (the primary key is the item's id): the ``ArticleResult``
  JSON or a typed error, with indexed columns for querying. Each is committed on its own.
  ``body`` is the machine's result and is never changed; ``reviewed_body`` is the corrected result
  once analysts have corrected it (what is served from then on);
* ``corrections``: the analysts' changes, append-only (database triggers refuse UPDATE and
  DELETE): per article, numbered 1, 2, ... (``seq``, unique per item: two reviewers writing at
  once cannot both add the same step), with the event, field, old and new value, who and when.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "Correction", "Item", "Job", "Result"]


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("key_hash", "idempotency_key", name="uq_jobs_idempotency"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    key_hash: Mapped[str] = mapped_column(String(64), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    prompt: Mapped[str | None] = mapped_column(String(100), nullable=True)
    total: Mapped[int] = mapped_column(Integer)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("job_id", "position", name="uq_items_position"),
        Index("ix_items_claim", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    article_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: pending -> running -> done | failed; pending/running -> cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Result(Base):
    __tablename__ = "results"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(32), index=True)
    position: Mapped[int] = mapped_column(Integer)
    article_id: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: "result" (an ArticleResult) or "error" ({"type", "message"})
    kind: Mapped[str] = mapped_column(String(8))
    error_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    events: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[dict[str, object]] = mapped_column(JSON)
    reviewed_body: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)


class Correction(Base):
    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("item_id", "seq", name="uq_corrections_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    event: Mapped[int | None] = mapped_column(Integer, nullable=True)
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[object | None] = mapped_column(JSON, nullable=True)
    new: Mapped[object | None] = mapped_column(JSON, nullable=True)
    who: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
