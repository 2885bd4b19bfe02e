"""The LLM client: the only module that imports ``openai`` and ``instructor``.

Layers, from the wire up (each bounded on its own, so they never multiply):

1. ``RetryTransport`` / ``AsyncRetryTransport`` (httpx transports, tenacity): retry *transport*
   failures only — 429, 5xx, timeouts, connection errors — ``http_retries`` times, with
   exponential backoff and ``Retry-After`` respected. Never 400/401/403/404. The openai SDK's
   own retries are off (``max_retries=0``).
2. instructor: re-asks with the validation errors when the answer does not validate (bad JSON,
   wrong shape, quotes not in the article), ``reasks`` times. It does not retry API errors.
3. An on-disk response cache (diskcache), keyed on the whole rendered request.

Mode per endpoint kind: ``openai`` -> TOOLS; ``openai-compatible`` -> JSON_SCHEMA
(``response_format`` type ``json_schema``); ``llama-cpp-python`` -> JSON with the schema also
sent as ``response_format={"type": "json_object", "schema": ...}``, which llama-cpp-python turns
into a grammar (its server does not accept the ``json_schema`` type).

Exactly one INFO log line is written per outgoing HTTP request.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import email.utils
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import httpx
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_exponential,
)

from schemas.events_v1 import Usage

from .errors import (
    AuthenticationError,
    EndpointUnreachableError,
    ExtractorError,
    LLMError,
    LLMOutputError,
    LLMTimeoutError,
    RateLimitedError,
    RecordingMissingError,
    RequestRejectedError,
    ServerError,
    TruncatedOutputError,
)
from .settings import EndpointKind, Settings

__all__ = [
    "AsyncRetryTransport",
    "Completion",
    "LLMClient",
    "RetryTransport",
    "redact_url",
    "request_key",
]

logger = logging.getLogger("extractor.client")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSIENT_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_CACHE_VERSION = 1
#: What an instructor call can raise that ``_failure`` turns into a Completion or an ExtractorError.
_CALL_ERRORS = (InstructorRetryException, IncompleteOutputException, openai.OpenAIError, httpx.HTTPError)


# ------------------------------------------------------------------ request counting


@dataclasses.dataclass
class _CallStats:
    requests: int = 0
    answers: int = 0
    parse_errors: list[str] = dataclasses.field(default_factory=list)


_STATS: contextvars.ContextVar[_CallStats | None] = contextvars.ContextVar(
    "extractor_call_stats", default=None
)


def _count(response: httpx.Response | None) -> None:
    stats = _STATS.get()
    if stats is None:
        return
    stats.requests += 1
    if response is not None and response.status_code < 400:
        stats.answers += 1


def _on_parse_error(error: Exception, **_: Any) -> None:
    stats = _STATS.get()
    if stats is not None:
        stats.parse_errors.append(" ".join(str(error).split())[:1000])


def redact_url(url: str) -> str:
    """``url`` without user info or query string (which can hold credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


# ------------------------------------------------------------------ transport retries


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
    ) -> None:
        self.inner = inner
        self.retries = retries
        self._backoff = _Backoff(initial_s, max_s)
        self._sleep = sleep

    def _send_once(self, request: httpx.Request) -> httpx.Response:
        logger.info("LLM request %s %s", request.method, redact_url(str(request.url)))
        try:
            response = self.inner.handle_request(request)
        except BaseException:
            _count(None)
            raise
        _count(response)
        if _is_retryable(response):
            response.read()
            response.close()
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=self._backoff,
            retry=retry_if_exception_type(_TRANSIENT_EXCEPTIONS) | retry_if_result(_is_retryable),
            retry_error_callback=_last_result,
            sleep=self._sleep,
            reraise=True,
        )
        response: httpx.Response = retrying(self._send_once, request)
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
    ) -> None:
        self.inner = inner
        self.retries = retries
        self._backoff = _Backoff(initial_s, max_s)
        self._sleep = sleep

    async def _send_once(self, request: httpx.Request) -> httpx.Response:
        logger.info("LLM request %s %s", request.method, redact_url(str(request.url)))
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException:
            _count(None)
            raise
        _count(response)
        if _is_retryable(response):
            await response.aread()
            await response.aclose()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=self._backoff,
            retry=retry_if_exception_type(_TRANSIENT_EXCEPTIONS) | retry_if_result(_is_retryable),
            retry_error_callback=_last_result,
            sleep=self._sleep,
            reraise=True,
        )
        response: httpx.Response = await retrying(self._send_once, request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


# ------------------------------------------------------------------ completion


@dataclasses.dataclass(frozen=True)
class Completion:
    """What one structured LLM call produced.

    ``validated`` is the response model instance when the last answer passed validation
    (quotes grounded); otherwise ``None`` and ``content`` holds the last raw answer for the
    caller to salvage record by record.
    """

    content: str
    validated: BaseModel | None
    attempts: int
    requests: int
    usage: Usage
    validation_errors: tuple[str, ...]
    duration_s: float
    cache_hit: bool
    request_sha256: str


def request_key(payload: Mapping[str, Any]) -> str:
    """sha256 of a request payload in canonical JSON (the cache key and provenance hash)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _mode_for(kind: EndpointKind) -> instructor.Mode:
    if kind == "openai":
        return instructor.Mode.TOOLS
    if kind == "openai-compatible":
        return instructor.Mode.JSON_SCHEMA
    return instructor.Mode.JSON


def _usage_of(total: Any) -> Usage:
    if total is None:
        return Usage()
    return Usage(
        prompt_tokens=int(getattr(total, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(total, "completion_tokens", 0) or 0),
        total_tokens=int(getattr(total, "total_tokens", 0) or 0),
    )


def _content_of(completion: Any) -> str:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return ""
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments or "")
    return str(message.content or "")


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def map_api_error(exc: BaseException, *, base_url: str, attempts: int) -> ExtractorError:
    """Translate an SDK/instructor/transport exception into the ``extractor`` error tree."""
    where = redact_url(base_url)
    chain = _cause_chain(exc)
    for item in chain:
        if type(item).__name__ == "CannotOverwriteExistingCassetteException":
            return RecordingMissingError(
                f"no recorded response matches this request ({item}). The prompt, schema, model or "
                "article changed since recording: re-record with 'make record' (needs the local model)"
            )
    for item in chain:
        if isinstance(item, IncompleteOutputException):
            return TruncatedOutputError(
                "the answer was cut off at the token limit (finish_reason=length); "
                "raise EXTRACTOR_MAX_TOKENS or shorten the article",
                attempts=attempts,
            )
        if isinstance(item, openai.APITimeoutError):
            return LLMTimeoutError(
                f"the endpoint {where} did not answer in time after {attempts} "
                "request(s); raise EXTRACTOR_TIMEOUT or check the server",
                attempts=attempts,
            )
        if isinstance(item, openai.APIConnectionError):
            return EndpointUnreachableError(
                f"cannot connect to the LLM endpoint {where} after {attempts} request(s): is the server "
                "running? Set EXTRACTOR_BASE_URL (or unset it to use the embedded local model)",
                attempts=attempts,
            )
        if isinstance(item, openai.APIStatusError):
            status = item.status_code
            detail = _short_detail(item)
            if status == 429:
                return RateLimitedError(
                    f"{where} kept answering 429 Too Many Requests after {attempts} "
                    f"request(s); slow down or raise EXTRACTOR_HTTP_RETRIES{detail}",
                    status_code=status,
                    attempts=attempts,
                )
            if status in (401, 403):
                return AuthenticationError(
                    f"{where} refused the credentials ({status}): check OPENAI_API_KEY{detail}",
                    status_code=status,
                    attempts=attempts,
                )
            if status >= 500:
                return ServerError(
                    f"{where} failed with {status} after {attempts} request(s){detail}",
                    status_code=status,
                    attempts=attempts,
                )
            return RequestRejectedError(
                f"{where} rejected the request ({status}){detail}; check "
                "EXTRACTOR_MODEL and EXTRACTOR_ENDPOINT_KIND",
                status_code=status,
                attempts=attempts,
            )
    if isinstance(exc, ExtractorError):
        return exc
    return LLMError(f"the LLM call failed: {type(exc).__name__}: {exc}", attempts=attempts)


def _short_detail(error: openai.APIStatusError) -> str:
    message = getattr(error, "message", "") or ""
    message = " ".join(str(message).split())[:200]
    return f": {message}" if message else ""


class LLMClient:
    """Structured calls against one endpoint. Build with ``LLMClient(settings, base_url=...)``.

    ``transport`` / ``async_transport`` replace the HTTP transport (tests use
    ``httpx.MockTransport``); the retry layer wraps whichever is used.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Any] = asyncio.sleep,
        cache: Any | None = None,
    ) -> None:
        self.settings = settings
        url = base_url or settings.base_url
        if url is None:
            raise LLMError("no endpoint: start the local model or set EXTRACTOR_BASE_URL")
        self.base_url = url
        self.kind: EndpointKind = settings.resolved_endpoint_kind
        self.model = settings.resolved_model
        self.mode = _mode_for(self.kind)
        key = settings.require_api_key()
        timeout = httpx.Timeout(settings.timeout_s, connect=min(10.0, settings.timeout_s))
        self._http = httpx.Client(
            transport=RetryTransport(
                transport or httpx.HTTPTransport(),
                retries=settings.http_retries,
                initial_s=settings.backoff_initial_s,
                max_s=settings.backoff_max_s,
                sleep=sleep,
            ),
            timeout=timeout,
        )
        self._ahttp = httpx.AsyncClient(
            transport=AsyncRetryTransport(
                async_transport or httpx.AsyncHTTPTransport(),
                retries=settings.http_retries,
                initial_s=settings.backoff_initial_s,
                max_s=settings.backoff_max_s,
                sleep=async_sleep,
            ),
            timeout=timeout,
        )
        # openai>=3 is typed for httpx2 clients but accepts legacy httpx clients, which keep our
        # retry transport (and vcrpy's httpx patching) in the path.
        raw = openai.OpenAI(base_url=url, api_key=key, max_retries=0, http_client=cast(Any, self._http))
        araw = openai.AsyncOpenAI(
            base_url=url, api_key=key, max_retries=0, http_client=cast(Any, self._ahttp)
        )
        self._client = instructor.from_openai(raw, mode=self.mode)
        self._aclient = instructor.from_openai(araw, mode=self.mode)
        self._client.on("parse:error", _on_parse_error)
        self._aclient.on("parse:error", _on_parse_error)
        self._cache = cache
        self.reasks = settings.reasks

    # -------------------------------------------------------------- request building
    def _params(self, messages: list[dict[str, str]], response_model: type[BaseModel]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }
        if self.settings.seed is not None and self.kind != "openai":
            params["seed"] = self.settings.seed
        if self.kind == "llama-cpp-python":
            params["extra_body"] = {
                "response_format": {"type": "json_object", "schema": response_model.model_json_schema()}
            }
        return params

    def _key(self, params: Mapping[str, Any], response_model: type[BaseModel]) -> str:
        return request_key(
            {
                "cache_version": _CACHE_VERSION,
                "endpoint_kind": self.kind,
                "mode": self.mode.value,
                "reasks": self.reasks,
                "schema": response_model.model_json_schema(),
                **{k: v for k, v in params.items() if k != "extra_body"},
            }
        )

    # -------------------------------------------------------------- outcome handling
    def _from_cache(self, key: str) -> Completion | None:
        if self._cache is None:
            return None
        stored = self._cache.get(key)
        if not isinstance(stored, dict):
            return None
        logger.info("LLM cache hit %s", key[:12])
        return Completion(
            content=stored["content"],
            validated=None,
            attempts=stored["attempts"],
            requests=0,
            usage=Usage.model_validate(stored["usage"]),
            validation_errors=tuple(stored["validation_errors"]),
            duration_s=0.0,
            cache_hit=True,
            request_sha256=key,
        )

    def _store(self, completion: Completion) -> None:
        if self._cache is not None:
            self._cache.set(
                completion.request_sha256,
                {
                    "content": completion.content,
                    "attempts": completion.attempts,
                    "usage": completion.usage.model_dump(),
                    "validation_errors": list(completion.validation_errors),
                },
            )

    def _success(
        self, parsed: BaseModel, raw: Any, stats: _CallStats, started: float, key: str
    ) -> Completion:
        completion = Completion(
            content=_content_of(raw),
            validated=parsed,
            attempts=max(stats.answers, 1),
            requests=stats.requests,
            usage=_usage_of(getattr(parsed, "_total_usage", None) or getattr(raw, "usage", None)),
            validation_errors=tuple(stats.parse_errors),
            duration_s=time.perf_counter() - started,
            cache_hit=False,
            request_sha256=key,
        )
        self._store(completion)
        return completion

    def _failure(self, exc: Exception, stats: _CallStats, started: float, key: str) -> Completion:
        if (
            isinstance(exc, InstructorRetryException)
            and exc.failed_attempts
            and exc.last_completion is not None
        ):
            if isinstance(exc.__cause__, IncompleteOutputException):
                raise map_api_error(exc, base_url=self.base_url, attempts=stats.requests) from exc
            errors = tuple(" ".join(str(a.exception).split())[:1000] for a in exc.failed_attempts)
            completion = Completion(
                content=_content_of(exc.last_completion),
                validated=None,
                attempts=max(stats.answers, 1),
                requests=stats.requests,
                usage=_usage_of(exc.total_usage),
                validation_errors=errors,
                duration_s=time.perf_counter() - started,
                cache_hit=False,
                request_sha256=key,
            )
            if not completion.content.strip():
                raise LLMOutputError(
                    f"the LLM returned empty answers after {stats.answers} attempt(s)",
                    attempts=stats.requests,
                ) from exc
            self._store(completion)
            return completion
        raise map_api_error(exc, base_url=self.base_url, attempts=stats.requests) from exc

    # -------------------------------------------------------------- calls
    def _begin(
        self, messages: list[dict[str, str]], response_model: type[BaseModel], use_cache: bool
    ) -> tuple[dict[str, Any], str, Completion | None]:
        params = self._params(messages, response_model)
        key = self._key(params, response_model)
        return params, key, (self._from_cache(key) if use_cache else None)

    def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: dict[str, Any],
        *,
        use_cache: bool = True,
    ) -> Completion:
        """One structured call: validated answer, or the last answer with its validation errors."""
        params, key, cached = self._begin(messages, response_model, use_cache)
        if cached is not None:
            return cached
        stats, started = _CallStats(), time.perf_counter()
        token = _STATS.set(stats)
        try:
            parsed, raw = self._client.chat.completions.create_with_completion(
                response_model=response_model, max_retries=self.reasks, context=context, **params
            )
        except _CALL_ERRORS as exc:
            return self._failure(exc, stats, started, key)
        finally:
            _STATS.reset(token)
        return self._success(parsed, raw, stats, started, key)

    async def acomplete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: dict[str, Any],
        *,
        use_cache: bool = True,
    ) -> Completion:
        """The asyncio twin of ``complete``."""
        params, key, cached = self._begin(messages, response_model, use_cache)
        if cached is not None:
            return cached
        stats, started = _CallStats(), time.perf_counter()
        token = _STATS.set(stats)
        try:
            parsed, raw = await self._aclient.chat.completions.create_with_completion(
                response_model=response_model, max_retries=self.reasks, context=context, **params
            )
        except _CALL_ERRORS as exc:
            return self._failure(exc, stats, started, key)
        finally:
            _STATS.reset(token)
        return self._success(parsed, raw, stats, started, key)

    def close(self) -> None:
        self._http.close()

    async def aclose(self) -> None:
        await self._ahttp.aclose()
