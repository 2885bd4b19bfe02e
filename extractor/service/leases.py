"""The workers' side of the store: leasing pending articles, renewing and releasing leases, and
storing each article's one result.

A worker *claims* pending items by giving them a lease (an owner and an expiry;
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so replicas never take the same row); an item whose
lease has run out (its worker died) is pending again. A result is stored only by the owner of a
live lease, and ``results`` is keyed by the item: one result per article, whatever happens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .rows import UNFINISHED, Claimed, ItemStatus, NewArticle, ResultKind
from .tables import Item, Job, Result

__all__ = ["Leases", "utcnow"]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Leases:
    """The lease operations of ``Store`` (``store.py``), over its sessions."""

    _sessions: sessionmaker[Session]

    def claim(self, owner: str, limit: int, lease_s: float) -> list[Claimed]:
        """Lease up to ``limit`` pending items (or items whose lease ran out) to ``owner``."""
        now = utcnow()
        with self._sessions.begin() as session:
            items = session.scalars(
                select(Item)
                .where(
                    or_(
                        Item.status == ItemStatus.PENDING,
                        and_(Item.status == ItemStatus.RUNNING, Item.lease_until < now),
                    )
                )
                .order_by(Item.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            prompts = dict(
                session.execute(select(Job.id, Job.prompt).where(Job.id.in_({i.job_id for i in items}))).all()
            )
            claimed = []
            for item in items:
                item.status = ItemStatus.RUNNING
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
                .where(Item.id.in_(item_ids), Item.lease_owner == owner, Item.status == ItemStatus.RUNNING)
                .values(lease_until=utcnow() + dt.timedelta(seconds=lease_s))
            )

    def release(self, owner: str) -> None:
        """Hand back every item ``owner`` still holds (a clean shutdown)."""
        with self._sessions.begin() as session:
            session.execute(
                update(Item)
                .where(Item.lease_owner == owner, Item.status == ItemStatus.RUNNING)
                .values(status=ItemStatus.PENDING, lease_owner=None, lease_until=None)
            )

    def finish(self, claimed: Claimed, owner: str, body: dict[str, Any], *, error_type: str | None) -> bool:
        """Store the item's one result, if ``owner`` still holds its lease. True when stored."""
        status = ItemStatus.FAILED if error_type else ItemStatus.DONE
        try:
            with self._sessions.begin() as session:
                moved = session.execute(
                    update(Item)
                    .where(
                        Item.id == claimed.item_id,
                        Item.lease_owner == owner,
                        Item.status == ItemStatus.RUNNING,
                    )
                    .values(status=status, lease_owner=None, lease_until=None)
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
                        kind=ResultKind.ERROR if error_type else ResultKind.RESULT,
                        error_type=error_type,
                        published=dt.date.fromisoformat(published) if isinstance(published, str) else None,
                        events=len(body.get("events") or ()),
                        body=body,
                    )
                )
                session.flush()
                left = session.scalar(
                    select(func.count()).where(Item.job_id == claimed.job_id, Item.status.in_(UNFINISHED))
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
            return int(session.scalar(select(func.count()).where(Item.status.in_(UNFINISHED))) or 0)
