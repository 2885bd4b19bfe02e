"""The analysts' corrections in the service's database: append, read, fold (``extractor.review``).

``append`` runs in one transaction: it reads the article's corrections, folds them over the
machine's result, lets ``extractor.review.plan`` turn the action into corrections (every
selection checked against the article's text), inserts them with the next step numbers and
stores the corrected result in ``results.reviewed_body``. Two reviewers writing the same article
at once cannot both take a step: the step number is unique per article, and the loser gets
``StaleReviewError`` (409) and reloads. The machine's ``body`` is never written here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from extractor import ArticleResult
from extractor.review import ArticleReview, RecordedCorrection, ReviewedArticle, corrected_result, fold, plan

from .rows import ResultKind
from .store import Store, utcnow
from .tables import Correction, Item, Job, Result

__all__ = ["ReviewRow", "StaleReviewError", "append", "correction_count", "job_articles", "load"]


class StaleReviewError(Exception):
    """Someone else changed the article's review since the caller read it."""


@dataclasses.dataclass(frozen=True)
class ReviewRow:
    """One article of a job that has a result: its item, text, the machine's result and its review."""

    item_id: int
    position: int
    text: str
    original: ArticleResult
    corrections: list[RecordedCorrection]
    review: ArticleReview

    def reviewed(self, job_id: str) -> ReviewedArticle:
        return ReviewedArticle(self.original, self.review, self.text, f"job {job_id} article {self.position}")


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _recorded(row: Correction) -> RecordedCorrection:
    return RecordedCorrection(
        id=row.seq, event=row.event, field=row.field, old=row.old, new=row.new, who=row.who, at=_aware(row.at)
    )


def _trail(session: Any, item_ids: list[int]) -> dict[int, list[RecordedCorrection]]:
    found: dict[int, list[RecordedCorrection]] = {i: [] for i in item_ids}
    if item_ids:
        rows = session.scalars(
            select(Correction)
            .where(Correction.item_id.in_(item_ids))
            .order_by(Correction.item_id, Correction.seq)
        )
        for row in rows:
            found[row.item_id].append(_recorded(row))
    return found


def _rows(session: Any, job_id: str, position: int | None) -> list[ReviewRow]:
    query = (
        select(Item.id, Item.position, Item.text, Result.body)
        .join(Result, Result.item_id == Item.id)
        .where(Item.job_id == job_id, Result.kind == ResultKind.RESULT)
        .order_by(Item.position)
    )
    if position is not None:
        query = query.where(Item.position == position)
    found = session.execute(query).all()
    trails = _trail(session, [int(r.id) for r in found])
    rows = []
    for item_id, at, text, body in found:
        original = ArticleResult.model_validate(body)
        steps = trails[item_id]
        rows.append(ReviewRow(int(item_id), int(at), str(text), original, steps, fold(original, steps)))
    return rows


def load(store: Store, job_id: str, position: int) -> ReviewRow | None:
    """The article at ``position`` of the job with its review; None when it has no result."""
    with store.session() as session:
        rows = _rows(session, job_id, position)
    return rows[0] if rows else None


def job_articles(store: Store, job_id: str) -> list[ReviewRow]:
    """Every article of the job that has a result, in input order, with its review."""
    with store.session() as session:
        return _rows(session, job_id, None)


def append(
    store: Store, job_id: str, position: int, action: Any, *, who: str, revision: int | None
) -> ArticleReview:
    """Apply ``action`` by ``who``; the article's new review. ``revision``: the one the caller saw.

    Raises ``LookupError`` (no such article result), ``StaleReviewError`` and the ``InputError``
    of an action the record cannot take.
    """
    try:
        with store.transaction() as session:
            rows = _rows(session, job_id, position)
            if not rows:
                raise LookupError(position)
            row = rows[0]
            if revision is not None and revision != row.review.revision:
                raise StaleReviewError(f"the article is at revision {row.review.revision}, not {revision}")
            planned = plan(row.review, action, row.text)
            now = utcnow()
            steps = []
            for i, correction in enumerate(planned, row.review.revision + 1):
                stored = Correction(
                    job_id=job_id, item_id=row.item_id, seq=i, who=who, at=now, **correction.model_dump()
                )
                session.add(stored)
                steps.append(RecordedCorrection(id=i, who=who, at=now, **correction.model_dump()))
            review = fold(row.original, [*row.corrections, *steps])
            result = session.get(Result, row.item_id)
            assert result is not None  # _rows found it in this transaction
            result.reviewed_body = corrected_result(row.original, review).model_dump(mode="json")
    except (IntegrityError, OperationalError) as exc:
        raise StaleReviewError("another reviewer changed this article at the same time; reload it") from exc
    return review


def correction_count(store: Store, key_hash: str) -> int:
    """Corrections stored for the jobs of ``key_hash`` (the scope): a number that only grows."""
    with store.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Correction)
                .join(Job, Job.id == Correction.job_id)
                .where(Job.key_hash == key_hash)
            )
            or 0
        )
