"""API keys, per-key limits and the request body limit.

* Keys come from ``Settings`` (``EXTRACTOR_API_KEYS``), kept only as sha256 hashes and compared
  in constant time; with keys configured every ``/v1`` route and the review page answer 401
  without a valid ``Authorization: Bearer KEY`` (or ``X-API-Key: KEY``, or the cookie a browser
  gets by signing in at ``/login``; a write by cookie must also send ``X-Extractor-Review: 1``).
* Per key: at most ``rate_limit_per_minute`` requests in a moving one-minute window (the
  ``limits`` library) and ``key_concurrency`` requests in flight; beyond either, 429 with
  ``Retry-After``.
* A body larger than ``max_body_bytes`` is refused with 413, by its ``Content-Length`` or
  while it is being read.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor import Settings

from .problems import ProblemError, problem_response

__all__ = ["COOKIE", "COOKIE_WRITE_HEADER", "BodyLimit", "Guard"]

#: The cookie ``POST /login`` sets (see ``login.py``) and the header a write it authenticates must carry.
COOKIE = "extractor_key"
COOKIE_WRITE_HEADER = "X-Extractor-Review"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


class Guard:
    """The FastAPI dependency that authenticates and rate-limits one request; yields the key's hash."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._rate = RateLimitItemPerMinute(settings.service.rate_limit_per_minute)
        self._inflight: Counter[str] = Counter()

    def _key(self, request: Request) -> str:
        if not self.settings.service.api_keys.hashes:
            return ""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        presented = token.strip() if scheme.lower() == "bearer" else request.headers.get("x-api-key", "")
        if not presented and COOKIE in request.cookies:  # a browser signed in at /login
            if request.method not in _SAFE and request.headers.get(COOKIE_WRITE_HEADER) != "1":
                raise ProblemError(
                    403,
                    "forbidden",
                    f"a write signed in by cookie must send the header {COOKIE_WRITE_HEADER}: 1",
                )
            presented = request.cookies[COOKIE]
        found = self.settings.service.api_keys.hash_for(presented) if presented else None
        if found is None:
            raise ProblemError(
                401,
                "unauthorized",
                "a valid API key is required: send Authorization: Bearer KEY (a browser: sign in at /login)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return found

    async def __call__(self, request: Request) -> AsyncIterator[str]:
        key = self._key(request)
        if not await self._limiter.hit(self._rate, key):
            stats = await self._limiter.get_window_stats(self._rate, key)
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            raise ProblemError(
                429,
                "rate-limited",
                f"more than {self.settings.service.rate_limit_per_minute} requests in a minute",
                headers={"Retry-After": str(wait)},
            )
        if self._inflight[key] >= self.settings.service.key_concurrency:
            raise ProblemError(
                429,
                "too-many-concurrent-requests",
                f"at most {self.settings.service.key_concurrency} requests in flight per key",
                headers={"Retry-After": "1"},
            )
        self._inflight[key] += 1
        try:
            yield key
        finally:
            self._inflight[key] -= 1


class BodyLimit:
    """ASGI middleware: 413 for a body over ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise StarletteHTTPException(413, self._detail())
            return message

        await self.app(scope, counted, send)

    def _detail(self) -> str:
        return f"the request body is larger than {self.limit} bytes (EXTRACTOR_MAX_BODY_BYTES)"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response: Any = problem_response(413, "content-too-large", self._detail())
        await response(scope, receive, send)
