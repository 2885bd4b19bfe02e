"""The worker pool and the results stream react to stored results, not to their poll intervals.

Poll intervals are set to an hour here: each test can only finish (well within its bound) if a
freed worker slot takes the next article at once and a stream wakes when a result is stored.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractor import InputError
from extractor.service import routes
from extractor.service.store import Claimed, NewArticle
from extractor.service.worker import Workers
from tests.service_fakes import answering, article, ndjson, running, service_app

HOUR = 3600.0
BOUND_S = 60.0  # generous: a correct run takes well under a second


def _slow_polls(app: Any) -> None:
    app.state.service.poll_s = HOUR
    app.state.service.workers.poll_s = HOUR


async def _after_a_moment(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(0.05)  # the slots' articles finish together, as with a real endpoint
    return answering(request)


def _articles(n: int) -> list[dict[str, str]]:
    return [{"text": article(i), "article_id": f"a{i}"} for i in range(n)]


async def _until_done(client: Any, job: str) -> dict[str, Any]:
    while True:
        status: dict[str, Any] = (await client.get(f"/v1/jobs/{job}")).json()
        if status["status"] != "running":
            return status
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("workers", [1, 4])
def test_a_freed_worker_slot_takes_the_next_article_without_waiting_for_a_poll(
    tmp_path: Path, workers: int
) -> None:
    """Through the app, one slot or several: the pool fills each freed slot as it frees."""
    app, calls = service_app(tmp_path, handler=_after_a_moment, workers=workers)
    _slow_polls(app)

    async def go() -> dict[str, Any]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=_articles(24))).json()["id"]
            return await asyncio.wait_for(_until_done(client, job), BOUND_S)

    status = asyncio.run(go())
    assert status["done"] == 24 and len(calls) == 24


def test_a_results_stream_ends_when_the_last_result_is_stored(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path, workers=2)
    _slow_polls(app)
    app.state.service.workers.poll_s = 0.05  # only the stream's interval is long here

    async def go() -> list[dict[str, Any]]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=_articles(5))).json()["id"]
            return ndjson(await asyncio.wait_for(client.get(f"/v1/jobs/{job}/results"), BOUND_S))

    lines = asyncio.run(go())
    assert [line["article_id"] for line in lines] == [f"a{i}" for i in range(5)]


def test_a_finished_job_longer_than_one_read_streams_every_result_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes, "_STREAM_BATCH", 2)
    app, _ = service_app(tmp_path, workers=2)

    async def go() -> list[dict[str, Any]]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=_articles(5))).json()["id"]
            await asyncio.wait_for(_until_done(client, job), BOUND_S)
            _slow_polls(app)
            return ndjson(await asyncio.wait_for(client.get(f"/v1/jobs/{job}/results"), BOUND_S))

    lines = asyncio.run(go())
    assert [line["article_id"] for line in lines] == [f"a{i}" for i in range(5)]


class _GatedStore:
    """A store whose claims can be held open, to free a slot while the pool is claiming."""

    def __init__(self, items: int) -> None:
        self.pending = list(range(items))
        self.finished: list[int] = []
        self.claim_open = threading.Event()
        self.claim_open.set()
        self.claiming = threading.Event()

    def claim(self, owner: str, limit: int, lease_s: float) -> list[Claimed]:
        self.claiming.set()
        self.claim_open.wait(BOUND_S)
        taken, self.pending = self.pending[:limit], self.pending[limit:]
        return [Claimed(i, "job", i, None, NewArticle(f"article {i}")) for i in taken]

    def finish(self, claimed: Claimed, owner: str, body: Any, *, error_type: str | None) -> bool:
        self.finished.append(claimed.item_id)
        return True

    def renew(self, owner: str, item_ids: Any, lease_s: float) -> None:
        pass

    def release(self, owner: str) -> None:
        pass


class _HeldSession:
    """An extraction session whose articles finish when the test says so."""

    def __init__(self) -> None:
        self.release: dict[str, asyncio.Event] = {}

    async def aextract(self, text: str, **_: Any) -> Any:
        await self.release.setdefault(text, asyncio.Event()).wait()
        raise InputError(f"{text}: done")  # a typed outcome; stored like a result


class _NoMetrics:
    def article(self, outcome: Any) -> None:
        pass


def test_a_slot_freed_while_the_pool_is_claiming_is_filled_without_waiting_for_a_poll() -> None:
    store, session = _GatedStore(4), _HeldSession()

    async def go() -> list[int]:
        workers = Workers(store, session, _NoMetrics(), concurrency=2, lease_s=HOUR)  # type: ignore[arg-type]
        workers.poll_s = HOUR
        workers.start()
        while len(session.release) < 2:  # articles 0 and 1 are running
            await asyncio.sleep(0.01)
        store.claim_open.clear()
        store.claiming.clear()
        session.release["article 0"].set()  # slot 1 frees: the pool claims for it...
        while not store.claiming.is_set():
            await asyncio.sleep(0.01)
        session.release["article 1"].set()  # ...and slot 2 frees while that claim is open
        while len(store.finished) < 2:
            await asyncio.sleep(0.01)
        store.claim_open.set()
        while len(session.release) < 4:  # both slots filled: articles 2 and 3
            await asyncio.sleep(0.01)
        for event in session.release.values():
            event.set()
        while len(store.finished) < 4:
            await asyncio.sleep(0.01)
        await workers.stop()
        return store.finished

    assert sorted(asyncio.run(asyncio.wait_for(go(), BOUND_S))) == [0, 1, 2, 3]


class _EmptyStore:
    def claim(self, _owner: str, _free: int, _lease_s: float) -> list[Claimed]:
        return []

    def renew(self, *_: Any) -> None:
        pass

    def release(self, _owner: str) -> None:
        pass


def test_stopping_the_pool_right_after_a_wake_up_ends_it() -> None:
    """A result stored (which wakes the pool) just before shutdown: stop() must still end the pool.
    With asyncio.wait_for on Python 3.11 the cancellation was swallowed and stop() never returned."""

    async def go() -> None:
        for _ in range(5):
            workers = Workers(_EmptyStore(), None, _NoMetrics(), concurrency=1, lease_s=HOUR)  # type: ignore[arg-type]
            workers.poll_s = HOUR
            workers.start()
            await asyncio.sleep(0.01)  # the pool is waiting for work
            workers.wake()
            await asyncio.wait_for(workers.stop(), 5.0)

    asyncio.run(go())
