"""The live client's own request and answer path, with the network replaced by a file.

Batch files must hold exactly what ``LLMClient`` would send, and a batch engine's answer must be
read exactly as a live answer is. Neither is re-implemented here: ``OfflineLLM`` runs the live
``LLMClient`` (openai SDK + instructor: response model handling, templating, ``response_format``
or tools per endpoint kind, the token budget) against an ``httpx.MockTransport`` that

* **captures** the JSON body of the request instead of sending it (``body``);
* **answers** it with a chat completion taken from an output file (``answer``): instructor then
  validates it with the article as context, exactly as live, with no re-ask;
* answers the first request with a recorded answer and captures the **re-ask** instructor sends
  after it fails validation (``reask_body``): the second-round request of a batch.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import BaseModel

from ..errors import ExtractorError, LLMError
from ..settings import Settings
from .client import LLMClient
from .completion import Completion

__all__ = ["OfflineLLM"]

#: The address the offline client pretends to call; never contacted.
_OFFLINE_URL = "http://offline.invalid/v1"


class _Exchange:
    """What the mock transport does: answer the first ``len(answers)`` requests, capture the next."""

    def __init__(self) -> None:
        self.answers: list[Mapping[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(json.loads(request.content))
        index = len(self.sent) - 1
        if index < len(self.answers):
            return httpx.Response(200, json=dict(self.answers[index]))
        raise httpx.ConnectError("offline: request captured, not sent")


class OfflineLLM:
    """Request bodies and answer parsing by the live ``LLMClient`` code, without a network.

    ``settings`` are those of the live run the batch stands for (model, endpoint kind,
    temperature, token ceiling, seed): they decide the body. Not thread-safe (one exchange at a
    time; a lock makes concurrent use safe but serial).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.replace(
            api_key=settings.llm.api_key or "offline", http_retries=0, use_cache=False
        )
        self._exchange = _Exchange()
        self._lock = threading.Lock()
        transport = httpx.MockTransport(self._exchange)
        base_url = settings.llm.base_url or _OFFLINE_URL
        self._live = LLMClient(self.settings, base_url=base_url, transport=transport)
        self._once = LLMClient(self.settings.replace(reasks=0), base_url=base_url, transport=transport)
        self._twice = LLMClient(self.settings.replace(reasks=1), base_url=base_url, transport=transport)
        self.model = self._live.model
        self.kind = self._live.kind

    def close(self) -> None:
        for client in (self._live, self._once, self._twice):
            client.close()

    def _run(
        self,
        client: LLMClient,
        answers: list[Mapping[str, Any]],
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: Mapping[str, Any],
    ) -> tuple[Completion | None, list[dict[str, Any]]]:
        with self._lock:
            self._exchange.answers, self._exchange.sent = answers, []
            try:
                completion: Completion | None = client.complete(
                    messages, response_model, dict(context), use_cache=False
                )
            except LLMError:
                if len(self._exchange.sent) <= len(answers):
                    raise  # not our capture: a real failure to read the answer
                completion = None
            return completion, self._exchange.sent

    def request_sha256(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        key_parts: Mapping[str, Any] | None = None,
    ) -> str:
        """The live client's request hash (its cache key): ``Provenance.request_sha256``."""
        return self._live.request_sha256(messages, response_model, key_parts)

    def body(
        self, messages: list[dict[str, str]], response_model: type[BaseModel], context: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The JSON body the live client sends first for this request."""
        _, sent = self._run(self._live, [], messages, response_model, context)
        if not sent:
            raise ExtractorError("the client sent no request")  # pragma: no cover - defensive
        return sent[0]

    def answer(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: Mapping[str, Any],
        answer: Mapping[str, Any],
        key_parts: Mapping[str, Any] | None = None,
    ) -> Completion:
        """``answer`` (a chat completion body) read and validated as the live client reads one.

        Raises what the live client raises for it (``TruncatedOutputError`` at the token limit,
        ``LLMOutputError`` for an empty answer). No re-ask: ``validation_errors`` says why it failed.
        """
        completion, _ = self._run(self._once, [answer], messages, response_model, context)
        assert completion is not None  # one answer, no re-ask: nothing is captured
        return dataclasses.replace(
            completion,
            request_sha256=self.request_sha256(messages, response_model, key_parts),
            duration_s=0.0,
        )

    def reask_body(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: Mapping[str, Any],
        answer: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        """The re-ask the live client sends after ``answer``; ``None`` when ``answer`` validates."""
        completion, sent = self._run(self._twice, [answer], messages, response_model, context)
        if completion is not None and completion.validated is not None:
            return None
        return sent[1] if len(sent) > 1 else None
