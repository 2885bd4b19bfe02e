"""Answers read with a size bound derived from the request's own token budget.

An answer cannot hold more than its request's ``max_tokens`` tokens, so it cannot take more
than ``tokens.answer_byte_limit(max_tokens)`` bytes (a generous number of bytes per token plus
room for the response around it). The retry transports wrap each chat-completion response so
that reading it stops with an ``LLMOutputError`` as soon as it passes that bound: a 100 MB
answer is refused after about a hundred kilobytes, never read whole, never parsed, never sent
back in a re-ask. A ``Content-Length`` over the bound is refused before reading anything.

The budget is the one of the structured call in progress (``CallStats.max_tokens``); a request
sent outside one (``batch run``) uses its body's ``max_tokens`` (or ``max_completion_tokens``).
Compression would let a small body unpack into a large one, so chat-completion requests ask for
``Accept-Encoding: identity`` and a compressed answer is refused.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx

from ..errors import LLMOutputError
from .stats import current_stats
from .tokens import answer_byte_limit

__all__ = ["FALLBACK_TOKENS", "IDLE_PROBE_LIMIT", "answer_limit", "bound_response", "prepare_request"]

#: The token budget assumed for a chat-completion request that states none.
FALLBACK_TOKENS = 32_768
#: Bytes read at most from the single-slot server's ``GET /models`` (an idle probe).
IDLE_PROBE_LIMIT = 1_048_576
_CHAT_PATH = "/chat/completions"


def _is_chat(request: httpx.Request) -> bool:
    return request.url.path.endswith(_CHAT_PATH)


def _tokens_in_body(request: httpx.Request) -> int:
    try:
        body = json.loads(request.content)
    except (httpx.RequestNotRead, ValueError, RecursionError):
        return FALLBACK_TOKENS
    if isinstance(body, dict):
        for field in ("max_tokens", "max_completion_tokens"):
            value = body.get(field)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    return FALLBACK_TOKENS


def answer_limit(request: httpx.Request) -> int | None:
    """The most bytes the response to ``request`` may take; ``None`` when it is no chat completion."""
    if not _is_chat(request):
        return None
    stats = current_stats.get()
    tokens = stats.max_tokens if stats is not None and stats.max_tokens else _tokens_in_body(request)
    return answer_byte_limit(tokens)


def prepare_request(request: httpx.Request) -> None:
    """Ask for an uncompressed answer, so that its size on the wire is its size."""
    if _is_chat(request):
        request.headers["Accept-Encoding"] = "identity"


def _too_large(request: httpx.Request, limit: int, seen: int, *, declared: bool = False) -> LLMOutputError:
    how = "declares" if declared else "passed"
    return LLMOutputError(
        f"the answer from {request.url.host} {how} {seen} bytes, more than an answer within the request's "
        f"token budget can take ({limit} bytes): refused unread. The endpoint is broken or hostile"
    )


class _Bounded(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request, limit: int) -> None:
        self.inner, self.request, self.limit = inner, request, limit

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self.inner:
            seen += len(chunk)
            if seen > self.limit:
                raise _too_large(self.request, self.limit, seen)
            yield chunk

    def close(self) -> None:
        self.inner.close()


class _AsyncBounded(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request, limit: int) -> None:
        self.inner, self.request, self.limit = inner, request, limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self.inner:
            seen += len(chunk)
            if seen > self.limit:
                raise _too_large(self.request, self.limit, seen)
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


def _check_headers(response: httpx.Response, request: httpx.Request, limit: int) -> None:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise LLMOutputError(
            f"the answer from {request.url.host} is compressed ({encoding}) though it was asked "
            "uncompressed; refused unread (its unpacked size cannot be bounded before reading it)"
        )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and len(declared) < 20 and int(declared) > limit:
        raise _too_large(request, limit, int(declared), declared=True)


def bound_response(
    response: httpx.Response, request: httpx.Request, limit: int | None, *, asynchronous: bool = False
) -> httpx.Response:
    """``response`` whose body cannot be read past ``limit`` bytes (an ``LLMOutputError`` beyond).

    Raises at once for a body declared or already read over the limit; the caller closes it.
    ``asynchronous``: the response is read by an ``httpx.AsyncClient``.
    """
    if limit is None:
        return response
    try:
        _check_headers(response, request, limit)
        size = len(response.content)  # already in memory (a body read by the transport, a mock)
    except httpx.ResponseNotRead:
        pass
    else:
        if size > limit:
            raise _too_large(request, limit, size)
        return response
    stream = response.stream  # a stream may be both (httpx.ByteStream): the caller says which is read
    if asynchronous and isinstance(stream, httpx.AsyncByteStream):
        response.stream = _AsyncBounded(stream, request, limit)
    elif not asynchronous and isinstance(stream, httpx.SyncByteStream):
        response.stream = _Bounded(stream, request, limit)
    return response
