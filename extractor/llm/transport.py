"""HTTP transports that retry transient failures (tenacity): 429, 5xx, timeouts, connection errors.

Never 400/401/403/404/422: those are the request's fault. Every chat-completion response is read
with a size bound from the request's token budget (``bounded.py``): an oversized answer is an
``LLMOutputError``, never retried. A retry is also not made once the
structured call in progress has spent its request budget (``stats.budget_spent``): the last
response (or error) then goes up as it is. ``Retry-After`` (or
``retry-after-ms``) is respected, capped at the backoff maximum. Exactly one INFO log line is
written per outgoing request, on the ``extractor.llm`` logger. With an ``IdleWait`` (single-slot
servers: llama-cpp-python), a request that timed out is resent only once the server is idle.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import time
from collections.abc import Callable
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_any,
    wait_exponential,
)

from ..errors import LLMOutputError
from ..redact import library_logger, redact_url
from .bounded import IDLE_PROBE_LIMIT, answer_limit, bound_response, prepare_request
from .stats import budget_spent, count_request

__all__ = ["RETRY_STATUSES", "AsyncRetryTransport", "IdleWait", "RetryTransport"]

logger = library_logger("extractor.llm")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSIENT_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def _retry_after_s(response: httpx.Response) -> float | None:
    millis = response.headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


class _Backoff:
    """Exponential backoff that defers to the server's Retry-After (capped at ``maximum``)."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.maximum = maximum
        self._exponential = wait_exponential(multiplier=initial, max=maximum)

    def __call__(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            result = outcome.result()
            if isinstance(result, httpx.Response):
                after = _retry_after_s(result)
                if after is not None:
                    return min(after, self.maximum)
        return float(self._exponential(state))


@dataclasses.dataclass(frozen=True)
class IdleWait:
    """Before resending a timed-out request, wait (at most ``bound_s``) until ``url`` answers.

    llama-cpp-python's server works on one request at a time and finishes a request whose client
    gave up; its ``/v1/models`` takes the same lock, so it answers only once the server is idle.
    Resending at once would queue the retry behind the abandoned request, to time out again.
    """

    url: str
    bound_s: float

    def request(self) -> httpx.Request:
        limit = self.bound_s
        timeouts = {"connect": min(10.0, limit), "read": limit, "write": limit, "pool": limit}
        return httpx.Request("GET", self.url, extensions={"timeout": timeouts})

    def announce(self) -> None:
        logger.info(
            "the request timed out; waiting up to %.0f s for %s to finish it before resending",
            self.bound_s,
            redact_url(self.url),
        )

    def gave_up(self, error: BaseException) -> None:
        logger.warning(
            "%s was still busy or unreachable after %.0f s (%s); resending anyway",
            redact_url(self.url),
            self.bound_s,
            type(error).__name__,
        )


def _is_retryable(response: object) -> bool:
    return isinstance(response, httpx.Response) and response.status_code in RETRY_STATUSES


def _last_result(state: RetryCallState) -> Any:
    assert state.outcome is not None
    return state.outcome.result()  # the last response (or exception) goes up to the SDK


class RetryTransport(httpx.BaseTransport):
    """Wrap a transport; retry transient failures with tenacity. ``sleep`` is injectable for tests."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        retries: int,
        initial_s: float = 0.5,
        max_s: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        idle_wait: IdleWait | None = None,
    ) -> None:
        self.inner = inner
        self.retries = retries
        self._backoff = _Backoff(initial_s, max_s)
        self._sleep = sleep
        self.idle_wait = idle_wait

    def _wait_until_idle(self) -> None:
        wait = self.idle_wait
        if wait is None:
            return
        wait.announce()
        probe = wait.request()
        try:
            response = bound_response(self.inner.handle_request(probe), probe, IDLE_PROBE_LIMIT)
            try:
                response.read()
            finally:
                response.close()
        except (httpx.HTTPError, LLMOutputError) as exc:
            wait.gave_up(exc)

    def _send_once(self, request: httpx.Request) -> httpx.Response:
        logger.info("LLM request %s %s", request.method, redact_url(str(request.url)))
        prepare_request(request)
        try:
            response = self.inner.handle_request(request)
        except BaseException:
            count_request(None)
            raise
        count_request(response)
        try:
            response = bound_response(response, request, answer_limit(request))
            if _is_retryable(response):
                response.read()
        except LLMOutputError:
            response.close()
            raise
        if _is_retryable(response):
            response.close()
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timed_out = False

        def attempt(request: httpx.Request) -> httpx.Response:
            nonlocal timed_out
            if timed_out:
                self._wait_until_idle()
            try:
                return self._send_once(request)
            except httpx.ReadTimeout:
                timed_out = True
                raise

        retrying = Retrying(
            stop=stop_any(stop_after_attempt(self.retries + 1), budget_spent),
            wait=self._backoff,
            retry=retry_if_exception_type(_TRANSIENT_EXCEPTIONS) | retry_if_result(_is_retryable),
            retry_error_callback=_last_result,
            sleep=self._sleep,
            reraise=True,
        )
        response: httpx.Response = retrying(attempt, request)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of ``RetryTransport``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        retries: int,
        initial_s: float = 0.5,
        max_s: float = 20.0,
        sleep: Callable[[float], Any] = asyncio.sleep,
        idle_wait: IdleWait | None = None,
    ) -> None:
        self.inner = inner
        self.retries = retries
        self._backoff = _Backoff(initial_s, max_s)
        self._sleep = sleep
        self.idle_wait = idle_wait

    async def _wait_until_idle(self) -> None:
        wait = self.idle_wait
        if wait is None:
            return
        wait.announce()
        probe = wait.request()
        try:
            answer = await self.inner.handle_async_request(probe)
            response = bound_response(answer, probe, IDLE_PROBE_LIMIT, asynchronous=True)
            try:
                await response.aread()
            finally:
                await response.aclose()
        except (httpx.HTTPError, LLMOutputError) as exc:
            wait.gave_up(exc)

    async def _send_once(self, request: httpx.Request) -> httpx.Response:
        logger.info("LLM request %s %s", request.method, redact_url(str(request.url)))
        prepare_request(request)
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException:
            count_request(None)
            raise
        count_request(response)
        try:
            response = bound_response(response, request, answer_limit(request), asynchronous=True)
            if _is_retryable(response):
                await response.aread()
        except LLMOutputError:
            await response.aclose()
            raise
        if _is_retryable(response):
            await response.aclose()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timed_out = False

        async def attempt(request: httpx.Request) -> httpx.Response:
            nonlocal timed_out
            if timed_out:
                await self._wait_until_idle()
            try:
                return await self._send_once(request)
            except httpx.ReadTimeout:
                timed_out = True
                raise

        retrying = AsyncRetrying(
            stop=stop_any(stop_after_attempt(self.retries + 1), budget_spent),
            wait=self._backoff,
            retry=retry_if_exception_type(_TRANSIENT_EXCEPTIONS) | retry_if_result(_is_retryable),
            retry_error_callback=_last_result,
            sleep=self._sleep,
            reraise=True,
        )
        response: httpx.Response = await retrying(attempt, request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
