"""A bound on the requests in flight to the LLM endpoint, shared by whoever holds the same gate.

``GatedAsyncTransport`` / ``GatedTransport`` wrap the HTTP transport of an ``LLMClient``: every
request to the endpoint holds one lease of the gate from before it is sent until its response
has been read whole. The client's retry layer sits *outside* them, so a request waiting out a
backoff holds no lease, and every retry and re-ask takes a lease of its own; answers from the
response cache never reach the transport and take none.

The gate is anything with blocking ``acquire()`` and ``release()``: a ``distributed.Semaphore``
(one bound for the whole cluster, kept by the scheduler) or a ``threading.BoundedSemaphore``
(one process). Its calls block, so the async transport makes them in threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, Protocol

import httpx

__all__ = ["Gate", "GatedAsyncTransport", "GatedTransport"]


class Gate(Protocol):
    def acquire(self) -> Any: ...

    def release(self) -> Any: ...


class GatedTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, gate: Gate) -> None:
        self.inner = inner
        self.gate = gate

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.gate.acquire()
        try:
            response = self.inner.handle_request(request)
            response.read()  # the answer is computed and sent before the lease goes back
            return response
        finally:
            self.gate.release()

    def close(self) -> None:
        self.inner.close()


class GatedAsyncTransport(httpx.AsyncBaseTransport):
    """The async twin. Each ``acquire``/``release`` runs in a thread of its own, not in the loop's
    default executor: requests blocked waiting for a lease would fill that small pool and leave
    no thread to give a lease back (a deadlock once the requests in flight outnumber its threads)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, gate: Gate) -> None:
        self.inner = inner
        self.gate = gate

    async def _in_thread(self, call: Callable[[], Any], *, undo: Callable[[], Any] | None = None) -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def settle(error: BaseException | None) -> None:
            if done.cancelled():  # the caller gave up: give back what it was granted meanwhile
                if error is None and undo is not None:
                    threading.Thread(target=undo, daemon=True).start()
            elif error is None:
                done.set_result(None)
            else:
                done.set_exception(error)

        def work() -> None:
            error: BaseException | None = None
            try:
                call()
            except BaseException as exc:
                error = exc
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
                loop.call_soon_threadsafe(settle, error)

        threading.Thread(target=work, name="extractor-llm-gate", daemon=True).start()
        await done

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._in_thread(self.gate.acquire, undo=self.gate.release)
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            await asyncio.shield(self._in_thread(self.gate.release))

    async def aclose(self) -> None:
        await self.inner.aclose()
