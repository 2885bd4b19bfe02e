"""Chat completions that hold no answer to read: a refusal, or an empty choice list.

Either is final: re-asking a model that refused spends the request budget on the same refusal,
and an empty ``choices`` list has no message for instructor to read or to re-ask about (it then
fails inside its own re-ask). Both are recognised in the HTTP answer, before the openai SDK and
instructor see it, the same way for every endpoint kind (a tool call is expected from ``openai``
and JSON content from the others, but a refusal comes as ``message.refusal`` everywhere), and
become an ``LLMOutputError`` that says which. The transports wrap the retry transport, so neither
is retried as a transport failure either.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ..errors import LLMOutputError
from .stats import current_stats

__all__ = ["AsyncNoAnswerTransport", "NoAnswerTransport", "check_answer"]


def _requests() -> int:
    stats = current_stats.get()
    return stats.requests if stats is not None else 1


def _is_chat_answer(request: httpx.Request, response: httpx.Response) -> bool:
    return (
        request.method == "POST"
        and request.url.path.endswith("/chat/completions")
        and response.status_code == 200
    )


def check_answer(request: httpx.Request, response: httpx.Response) -> None:
    """Raise ``LLMOutputError`` when ``response`` (already read) is a chat completion without an answer."""
    if not _is_chat_answer(request, response):
        return
    try:
        body: Any = json.loads(response.content)
    except ValueError:
        return  # not JSON: the SDK says so
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list):
        return
    if not body["choices"]:
        raise LLMOutputError(
            "the endpoint answered with no choices (an empty choice list): there is no answer to read",
            attempts=_requests(),
        )
    first = body["choices"][0]
    message = first.get("message") if isinstance(first, dict) else None
    refusal = message.get("refusal") if isinstance(message, dict) else None
    if isinstance(refusal, str) and refusal.strip():
        raise LLMOutputError(
            f"the model refused to answer: {' '.join(refusal.split())[:300]!r} "
            "(a refusal is final: it is not re-asked)",
            attempts=_requests(),
        )


class NoAnswerTransport(httpx.BaseTransport):
    """Wrap a transport; a chat completion without an answer raises ``LLMOutputError``."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if _is_chat_answer(request, response):
            response.read()
            check_answer(request, response)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncNoAnswerTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of ``NoAnswerTransport``."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if _is_chat_answer(request, response):
            await response.aread()
            check_answer(request, response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
