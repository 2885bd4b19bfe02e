"""The LLM client: the only module that calls ``openai`` and ``instructor``.

Layers, from the wire up:

1. ``RetryTransport`` / ``AsyncRetryTransport`` (``transport.py``, tenacity): retry *transport*
   failures only — 429, 5xx, timeouts, connection errors — at most ``http_retries`` times per
   request. The openai SDK's own retries are off (``max_retries=0``).
2. instructor: re-asks with the validation errors when the answer does not validate (bad JSON,
   wrong shape, quotes not in the article), at most ``reasks`` times. It does not retry API errors.
3. An on-disk response cache (``cache.py``), keyed on the whole rendered request, the endpoint
   (URL without credentials) and the caller's ``key_parts``; only validated answers are stored.

What a call ends in (a validated answer, the last answer with its validation errors, or an error
of the ``extractor`` tree) is read in ``outcome.py``.

**Single-slot servers.** llama-cpp-python's server computes one request at a time and finishes
one whose client timed out. Against it (``llama-cpp-python`` kind, the embedded model included),
a timed-out request is resent only after ``GET /v1/models`` answers, i.e. once the server is idle
(waiting at most ``IDLE_WAIT_FACTOR`` request timeouts), so a retry never queues behind the request
it replaces.

**One request budget per call.** Layers 1 and 2 draw on one budget of
``1 + http_retries + reasks`` HTTP requests (5 with the defaults): each transport retry and each
re-ask spends one request, and neither is made once the budget is spent. The worst case for one
article is therefore that sum, never the product ``(1 + http_retries) * (1 + reasks)``. When the
budget runs out on an invalid answer, that answer is returned with its validation errors; when it
runs out on a transport failure, that failure is raised (``ServerError``, ``LLMTimeoutError``...).
An API error on a re-ask is raised as that error, never salvaged as the previous answer.

What differs per endpoint kind — how structured output is requested (instructor mode and extra
body fields), whether ``seed`` is sent, single-slot waits, the key — is read from the kind's
profile (``extractor.endpoints.PROFILES``); ``request.py`` turns a profile's structured-output
mechanism into what instructor receives.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any, cast

import httpx
import instructor
import openai
from pydantic import BaseModel

from ..errors import LLMError
from ..redact import redact_url
from ..settings import EndpointKind, Settings
from .budget import async_reask_policy, reask_policy
from .cache import CACHE_VERSION, ResponseCache, request_key
from .completion import Completion
from .no_answer import AsyncNoAnswerTransport, NoAnswerTransport
from .outcome import CALL_ERRORS, failed, succeeded
from .request import extra_body, instructor_kwargs, instructor_mode, instructor_model
from .stats import CallStats, current_stats, on_parse_error
from .tokens import completion_budget
from .transport import AsyncRetryTransport, IdleWait, RetryTransport

__all__ = ["LLMClient"]


#: How long (in request timeouts) to wait for a single-slot server to finish a request abandoned
#: by a timeout before resending it.
IDLE_WAIT_FACTOR = 3.0


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
        url = base_url or settings.llm.base_url
        if url is None:
            raise LLMError("no endpoint: start the local model or set EXTRACTOR_BASE_URL")
        self.base_url = url
        self.kind: EndpointKind = settings.llm.resolved_endpoint_kind
        self.profile = settings.llm.profile
        self.model = settings.llm.resolved_model
        self.mode = instructor_mode(self.profile.structured_output)
        key = settings.llm.require_api_key()
        timeout = httpx.Timeout(settings.llm.timeout_s, connect=min(10.0, settings.llm.timeout_s))
        idle_wait = None
        if self.profile.single_slot:  # one slot: never resend while it computes the old one
            idle_wait = IdleWait(f"{url.rstrip('/')}/models", IDLE_WAIT_FACTOR * settings.llm.timeout_s)
        # A refusal or an empty choice list is final (no_answer.py): checked outside the retries.
        self._http = httpx.Client(
            transport=NoAnswerTransport(
                RetryTransport(
                    transport or httpx.HTTPTransport(),
                    retries=settings.llm.http_retries,
                    initial_s=settings.llm.backoff_initial_s,
                    max_s=settings.llm.backoff_max_s,
                    sleep=sleep,
                    idle_wait=idle_wait,
                )
            ),
            timeout=timeout,
        )
        self._ahttp = httpx.AsyncClient(
            transport=AsyncNoAnswerTransport(
                AsyncRetryTransport(
                    async_transport or httpx.AsyncHTTPTransport(),
                    retries=settings.llm.http_retries,
                    initial_s=settings.llm.backoff_initial_s,
                    max_s=settings.llm.backoff_max_s,
                    sleep=async_sleep,
                    idle_wait=idle_wait,
                )
            ),
            timeout=timeout,
        )
        # openai>=3 is typed for httpx2 clients but accepts legacy httpx clients, which keep our
        # retry transport (and vcrpy's httpx patching) in the path.
        # The timeout is given to the SDK too: it takes an http_client whose timeout equals httpx's
        # default (5 s) for "not set" and would wait 600 s instead.
        raw = openai.OpenAI(
            base_url=url,
            api_key=key,
            max_retries=0,
            timeout=cast(Any, timeout),
            http_client=cast(Any, self._http),
        )
        araw = openai.AsyncOpenAI(
            base_url=url,
            api_key=key,
            max_retries=0,
            timeout=cast(Any, timeout),
            http_client=cast(Any, self._ahttp),
        )
        self._client = instructor.from_openai(raw, mode=self.mode)
        self._aclient = instructor.from_openai(araw, mode=self.mode)
        self._client.on("parse:error", on_parse_error)
        self._aclient.on("parse:error", on_parse_error)
        self._cache = None if cache is None else ResponseCache(cache)
        self.reasks = settings.llm.reasks

    # -------------------------------------------------------------- request building
    def _params(self, messages: list[dict[str, str]], response_model: type[BaseModel]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.settings.llm.temperature,
            "max_tokens": completion_budget(messages, self.settings.llm.max_tokens),
        }
        if self.settings.llm.seed is not None and self.profile.sends_seed:
            params["seed"] = self.settings.llm.seed
        extra = extra_body(self.profile.structured_output, response_model)
        if extra is not None:
            params["extra_body"] = extra
        return params

    def _key(
        self, params: Mapping[str, Any], response_model: type[BaseModel], key_parts: Mapping[str, Any]
    ) -> str:
        return request_key(
            {
                **key_parts,
                "cache_version": CACHE_VERSION,
                "endpoint": redact_url(self.base_url),
                "endpoint_kind": self.kind,
                "mode": self.mode.value,
                "reasks": self.reasks,
                "schema": response_model.model_json_schema(),
                **{k: v for k, v in params.items() if k != "extra_body"},
            }
        )

    @property
    def request_budget(self) -> int:
        """HTTP requests one call may make at most: ``1 + http_retries + reasks``."""
        return 1 + self.settings.llm.http_retries + self.reasks

    def request_sha256(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        key_parts: Mapping[str, Any] | None = None,
    ) -> str:
        """The hash of the request this client would send (its cache key)."""
        return self._key(self._params(messages, response_model), response_model, key_parts or {})

    # -------------------------------------------------------------- outcome handling
    def _from_cache(self, key: str) -> Completion | None:
        return None if self._cache is None else self._cache.get(key)

    def _store(self, completion: Completion) -> None:
        if self._cache is not None:
            self._cache.put(completion)

    def _success(self, parsed: BaseModel, raw: Any, stats: CallStats, started: float, key: str) -> Completion:
        completion = succeeded(parsed, raw, stats, started, key)
        self._store(completion)
        return completion

    def _failure(self, exc: Exception, stats: CallStats, started: float, key: str) -> Completion:
        return failed(exc, stats, started, key, base_url=self.base_url, ceiling=self.settings.llm.max_tokens)

    # -------------------------------------------------------------- calls
    def _begin(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        use_cache: bool,
        key_parts: Mapping[str, Any] | None,
    ) -> tuple[dict[str, Any], str, Completion | None]:
        params = self._params(messages, response_model)
        key = self._key(params, response_model, key_parts or {})
        return params, key, (self._from_cache(key) if use_cache else None)

    def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: dict[str, Any],
        *,
        use_cache: bool = True,
        key_parts: Mapping[str, Any] | None = None,
    ) -> Completion:
        """One structured call: validated answer, or the last answer with its validation errors.

        ``key_parts`` (the prompt's hash, the strategy, the schema version...) join the cache key
        and the ``request_sha256``; they are not sent.
        """
        params, key, cached = self._begin(messages, response_model, use_cache, key_parts)
        if cached is not None:
            return cached
        stats = CallStats(budget=self.request_budget, max_tokens=params["max_tokens"])
        started = time.perf_counter()
        token = current_stats.set(stats)
        try:
            parsed, raw = self._client.chat.completions.create_with_completion(
                response_model=instructor_model(response_model, self.profile.structured_output),
                max_retries=reask_policy(self.reasks),
                **instructor_kwargs(params, context),
            )
        except CALL_ERRORS as exc:
            return self._failure(exc, stats, started, key)
        finally:
            current_stats.reset(token)
        return self._success(parsed, raw, stats, started, key)

    async def acomplete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: dict[str, Any],
        *,
        use_cache: bool = True,
        key_parts: Mapping[str, Any] | None = None,
    ) -> Completion:
        """The asyncio twin of ``complete``."""
        params, key, cached = self._begin(messages, response_model, use_cache, key_parts)
        if cached is not None:
            return cached
        stats = CallStats(budget=self.request_budget, max_tokens=params["max_tokens"])
        started = time.perf_counter()
        token = current_stats.set(stats)
        try:
            parsed, raw = await self._aclient.chat.completions.create_with_completion(
                response_model=instructor_model(response_model, self.profile.structured_output),
                max_retries=async_reask_policy(self.reasks),
                **instructor_kwargs(params, context),
            )
        except CALL_ERRORS as exc:
            return self._failure(exc, stats, started, key)
        finally:
            current_stats.reset(token)
        return self._success(parsed, raw, stats, started, key)

    def close(self) -> None:
        self._http.close()

    async def aclose(self) -> None:
        await self._ahttp.aclose()
