"""The completion-token budget is sized from the user input and capped by EXTRACTOR_MAX_TOKENS."""

from __future__ import annotations

import json

import httpx
from pydantic import BaseModel

from extractor.llm.client import LLMClient
from extractor.llm.tokens import BASE_TOKENS, PER_INPUT_TOKEN, completion_budget, estimated_tokens
from extractor.settings import Settings


class _Answer(BaseModel):
    value: str


def test_short_input_gets_a_small_budget_not_the_ceiling() -> None:
    messages = [{"role": "system", "content": "x" * 40_000}, {"role": "user", "content": "a" * 400}]
    assert completion_budget(messages, 2048) == BASE_TOKENS + PER_INPUT_TOKEN * 100


def test_long_input_is_capped_by_the_ceiling() -> None:
    assert completion_budget([{"role": "user", "content": "a" * 40_000}], 2048) == 2048


def test_estimate_rounds_up() -> None:
    assert estimated_tokens("abcde") == 2
    assert estimated_tokens("") == 0


def test_the_request_carries_the_budget() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        body = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json.dumps({"value": "ok"})},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        return httpx.Response(200, json=body)

    settings = Settings(
        base_url="http://fake.invalid/v1", model="m", api_key="k", endpoint_kind="openai-compatible"
    )
    client = LLMClient(settings, transport=httpx.MockTransport(handler))
    try:
        client.complete([{"role": "user", "content": "a" * 40}], _Answer, {}, use_cache=False)
    finally:
        client.close()
    assert seen and seen[0]["max_tokens"] == BASE_TOKENS + PER_INPUT_TOKEN * 10
