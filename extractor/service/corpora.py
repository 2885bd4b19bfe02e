"""The merged corpus of each API key's stored results, kept up to date as results arrive.

``GET /v1/events`` used to merge every stored result again whenever one more had arrived (1,000
stored results: 29 s per request). Now each key has an ``extractor.corpus.IncrementalCorpus``
that holds the merge of the results read so far; a request first reads only the results stored
since (by any replica: they are found in the database, not told by this process's workers),
adds them, and the corpus re-clusters only what they touch. The latest result per article id
counts (an article extracted again replaces its earlier result: the later ``created_at``, then
the later item, wins), as analysts corrected it when they did (``results.reviewed_body``): a
correction stored since the last request (corrections are append-only rows) replaces its result
in the corpus. One refresh per key at a time (an ``asyncio.Lock``); concurrent requests wait for
it and share its work.

The corpus lives in this process's memory, built from the database: a restarted service merges
the stored results once, at its first request (``scripts/bench_merge.py`` measures that merge),
and every replica keeps its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from extractor import ArticleResult
from extractor.corpus import CorpusEvents, IncrementalCorpus

from .rows import ResultKind
from .store import Store
from .tables import Correction, Job, Result

__all__ = ["Corpora"]

log = logging.getLogger(__name__)

#: Result bodies read from the database per round trip.
_BATCH = 500


@dataclasses.dataclass
class _KeyCorpus:
    corpus: IncrementalCorpus = dataclasses.field(default_factory=IncrementalCorpus)
    seen: set[int] = dataclasses.field(default_factory=set)  # result rows (item ids) read
    corrections: set[int] = dataclasses.field(default_factory=set)  # correction rows read
    latest: dict[str, tuple[dt.datetime, int]] = dataclasses.field(default_factory=dict)
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)


class Corpora:
    """Per key hash: the merged corpus of that key's stored results (see the module doc)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._keys: dict[str, _KeyCorpus] = {}

    async def events(self, key_hash: str) -> CorpusEvents:
        """The key's corpus events (sorted by date, type and id, built when read), with every result
        stored so far."""
        state = self._keys.setdefault(key_hash, _KeyCorpus())
        async with state.lock:
            return await asyncio.to_thread(self._refresh, key_hash, state)

    def _refresh(self, key_hash: str, state: _KeyCorpus) -> CorpusEvents:
        with self.store.session() as session:
            mine = (
                select(Result.item_id, Result.created_at)
                .join(Job, Job.id == Result.job_id)
                .where(Result.kind == ResultKind.RESULT, Job.key_hash == key_hash)
            )
            count = session.scalar(select(func.count()).select_from(mine.subquery())) or 0
            if count != len(state.seen):
                new = sorted(
                    ((_aware(at), int(item)) for item, at in session.execute(mine) if item not in state.seen),
                )
                for start in range(0, len(new), _BATCH):
                    self._add(session, state, new[start : start + _BATCH])
            corrections = select(Correction.id, Correction.item_id).join(Job, Job.id == Correction.job_id)
            corrections = corrections.where(Job.key_hash == key_hash)
            count = session.scalar(select(func.count()).select_from(corrections.subquery())) or 0
            if count != len(state.corrections):
                corrected = set()
                for row_id, item in session.execute(corrections):
                    if row_id not in state.corrections:
                        state.corrections.add(int(row_id))
                        corrected.add(int(item))
                self._corrected(session, state, sorted(corrected))
        return state.corpus.events()

    def _add(self, session: Session, state: _KeyCorpus, rows: list[tuple[dt.datetime, int]]) -> None:
        wanted = select(Result.item_id, Result.body, Result.reviewed_body)
        wanted = wanted.where(Result.item_id.in_([i for _, i in rows]))
        bodies: dict[int, Any] = {
            int(item): reviewed or body for item, body, reviewed in session.execute(wanted)
        }
        for order in rows:  # oldest first: a later result of the same article replaces an earlier one
            state.seen.add(order[1])
            result = _result(order[1], bodies[order[1]])
            if result is None:
                continue
            earlier = state.latest.get(result.article_id)
            if earlier is None or order > earlier:
                state.corpus.add(result, replace=True)
                state.latest[result.article_id] = order

    def _corrected(self, session: Session, state: _KeyCorpus, items: list[int]) -> None:
        """Put the corrected results of ``items`` in the corpus, where they are their article's latest."""
        for start in range(0, len(items), _BATCH):
            wanted = select(Result.item_id, Result.created_at, Result.body, Result.reviewed_body)
            wanted = wanted.where(Result.item_id.in_(items[start : start + _BATCH]))
            for item, at, body, reviewed in session.execute(wanted):
                result = _result(int(item), reviewed or body)
                if result is not None and state.latest.get(result.article_id) == (_aware(at), int(item)):
                    state.corpus.add(result, replace=True)


def _result(item: int, body: Any) -> ArticleResult | None:
    try:
        return ArticleResult.model_validate(body)
    except ValidationError as exc:  # stored by another version of the record schema
        log.warning("result of item %s left out of the corpus: %s", item, exc.errors()[0]["msg"])
        return None


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
