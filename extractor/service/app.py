"""The app factory and ``extractor serve``.

``create_app(settings)`` opens the database (running its Alembic migrations) and builds the
app; its lifespan starts the shared extraction session (the embedded model when no endpoint is
configured: started once, shared by every request) and the worker pool, and stops them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor import Extractor, Settings, __version__

from .corpora import Corpora
from .editor import router as editor_router
from .events import router as events_router
from .login import router as login_router
from .metrics import Metrics
from .problems import ProblemError, install_problem_handlers
from .review import router as review_router
from .routes import router
from .security import BodyLimit, Guard
from .state import Service
from .store import Store
from .worker import Workers

__all__ = ["create_app", "serve"]

log = logging.getLogger("extractor.service")


class _Measure:
    """ASGI middleware: count requests by route template and status; time them."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sent)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route=route, method=scope["method"], status=str(status)).inc()
            self.metrics.latency.labels(route=route).observe(time.perf_counter() - started)


async def _llm_answers(base_url: str) -> bool:
    """The LLM endpoint answers ``GET /models`` with something other than a 5xx."""
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            answer = await http.get(base_url.rstrip("/") + "/models")
    except httpx.HTTPError:
        return False
    return answer.status_code < 500


def create_app(
    settings: Settings | None = None,
    *,
    session: Extractor | None = None,
    llm_probe: Callable[[str], Awaitable[bool]] = _llm_answers,
) -> FastAPI:
    """The service app. ``session`` replaces the extraction session and ``llm_probe`` the readiness
    check of its endpoint (tests pass a fake endpoint's)."""
    settings = settings or Settings.from_env()
    store = Store(settings.service.resolved_database_url)
    metrics = Metrics(store.queue_depth)
    session = session or Extractor(settings)
    # the embedded llama.cpp server answers one request at a time: more workers would only queue
    # requests at it until they time out
    concurrency = 1 if settings.llm.uses_local_model else settings.service.workers
    workers = Workers(store, session, metrics, concurrency=concurrency, lease_s=settings.service.lease_s)
    state = Service(settings, store, session, metrics, Guard(settings), workers, Corpora(store))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(session.start)
        workers.start()
        try:
            yield
        finally:
            await workers.stop()
            await session.aclose()
            await asyncio.to_thread(session.close)
            store.close()

    app = FastAPI(
        title="extractor",
        version=__version__,
        summary="Grounded conflict-event records from news articles, over HTTP.",
        lifespan=lifespan,
    )
    app.state.service = state
    install_problem_handlers(app)
    app.include_router(router)
    app.include_router(events_router)
    app.include_router(review_router)
    app.include_router(editor_router)
    app.include_router(login_router)

    @app.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="The database is reachable and the LLM endpoint answers")
    async def readyz() -> dict[str, str]:
        # reachable = still the file opened at startup (SQLite) and takes a write (database.probe)
        try:
            await asyncio.to_thread(store.ping)
        except Exception as exc:
            log.warning("not ready: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            raise ProblemError(503, "database-unavailable", "the database cannot be used now") from None
        if session.asks_llm and not await llm_probe(session.client.base_url):
            raise ProblemError(503, "llm-unavailable", "the LLM endpoint does not answer")
        return {"status": "ready"}

    @app.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    app.add_middleware(BodyLimit, limit=settings.service.max_body_bytes)
    app.add_middleware(_Measure, metrics=metrics)
    return app


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, **uvicorn_options: Any) -> None:
    """Run the service with uvicorn until interrupted.

    The extraction session is started before uvicorn: a session that cannot start (the embedded
    model asked for without the ``local`` extra, say) is an ``ExtractorError`` raised here, which
    the command prints as one line, not a traceback from inside the server's startup.
    """
    import uvicorn  # noqa: PLC0415  (only `extractor serve` needs the server)

    if not settings.service.api_keys.hashes and not _loopback(host):
        log.warning(
            "WARNING: listening on %s without API keys: anyone who can reach this address can use the "
            "service and its LLM. Set EXTRACTOR_API_KEYS.",
            host,
        )
    session = Extractor(settings).start()  # the lifespan's start() is then a no-op
    try:
        uvicorn.run(create_app(settings, session=session), host=host, port=port, **uvicorn_options)
    finally:
        session.close()
