"""The in-process worker pool: at most ``Settings.workers`` articles in flight, taken from the database.

It claims pending items with a lease (``Store.claim``), extracts each through the shared
``Extractor`` session, stores its one result or typed error on its own commit, and renews the
leases of what it still holds. Items of a worker that died (SIGKILL) become claimable again
when their lease runs out, so a restarted service resumes them; one result per article is
guaranteed by the store. No scheduler beyond that claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

from extractor import Extractor, ExtractorError

from .bodies import error_body
from .database import DatabaseUnavailableError
from .metrics import Metrics
from .rows import Claimed
from .store import Store

__all__ = ["Workers"]

log = logging.getLogger(__name__)


class Workers:
    def __init__(
        self, store: Store, session: Extractor, metrics: Metrics, *, concurrency: int, lease_s: float
    ) -> None:
        self.store = store
        self.session = session
        self.metrics = metrics
        self.concurrency = concurrency
        self.lease_s = lease_s
        self.owner = uuid.uuid4().hex
        self.poll_s = min(1.0, lease_s / 4)
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stored = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="extractor-workers")

    def wake(self) -> None:
        """New work was submitted: look for it now rather than at the next poll."""
        self._wake.set()

    def progress(self) -> asyncio.Event:
        """An event set when this process next stores a result (take it before reading results).

        Streams wait on it instead of sleeping a whole poll interval; results stored by other
        replicas are seen at their next poll.
        """
        return self._stored

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._inflight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        try:
            await asyncio.to_thread(self.store.release, self.owner)
        except Exception as exc:  # the leases run out on their own
            log.warning("worker pool: could not hand back its items at shutdown: %s", exc)

    async def _run(self) -> None:
        renewed = time.monotonic()
        unavailable = False
        while True:
            # Cleared before looking, not after: a wake-up that arrives while claiming (a slot
            # freed meanwhile) must end the wait below at once, not be lost until the next poll.
            self._wake.clear()
            try:
                free = self.concurrency - len(self._inflight)
                if free > 0:
                    for claimed in await asyncio.to_thread(self.store.claim, self.owner, free, self.lease_s):
                        task = asyncio.create_task(self._one(claimed))
                        self._inflight[claimed.item_id] = task
                        task.add_done_callback(self._forget)
                if time.monotonic() - renewed > self.lease_s / 3:
                    await asyncio.to_thread(self.store.renew, self.owner, list(self._inflight), self.lease_s)
                    renewed = time.monotonic()
                unavailable = False
            except DatabaseUnavailableError as exc:  # file gone: nothing can be stored; say so once
                if not unavailable:
                    log.error("worker pool: claiming no work: %s", exc)
                unavailable = True
            except Exception:  # the database is away: keep the pool alive and try again
                log.exception("worker pool: claiming work failed; retrying")
            # asyncio.timeout, not wait_for: on Python 3.11 a cancellation (``stop``) that arrives as
            # wait_for's own timeout fires can be swallowed, and this loop then never ends
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_s):
                    await self._wake.wait()

    def _forget(self, task: asyncio.Task[None]) -> None:
        for item_id, running in list(self._inflight.items()):
            if running is task:
                del self._inflight[item_id]

    async def _one(self, claimed: Claimed) -> None:
        article = claimed.article
        body: dict[str, Any]
        error_type: str | None = None
        try:
            result = await self.session.aextract(
                article.text,
                published=article.published,
                article_id=article.article_id,
                title=article.title,
                url=article.url,
                prompt=claimed.prompt,
            )
            body = result.model_dump(mode="json")
            self.metrics.article(result)
        except ExtractorError as exc:
            error_type = type(exc).__name__
            body = error_body(article.article_id, error_type, str(exc))
            self.metrics.article(error_type)
        except Exception:
            log.exception("article %s of job %s: unexpected error", claimed.position, claimed.job_id)
            error_type = "InternalError"
            body = error_body(article.article_id, error_type, "an unexpected error stopped this article")
            self.metrics.article(error_type)
        try:
            await asyncio.to_thread(self.store.finish, claimed, self.owner, body, error_type=error_type)
        except Exception:  # not stored: the lease runs out and the item is tried again
            log.exception("article %s of job %s: storing the result failed", claimed.position, claimed.job_id)
        finally:
            # The slot is freed here, before the pool is woken to fill it, rather than left to
            # the task's done callback, whose order relative to the pool's wake-up is asyncio's.
            self._inflight.pop(claimed.item_id, None)
            self._wake.set()
            self._stored.set()
            self._stored = asyncio.Event()
