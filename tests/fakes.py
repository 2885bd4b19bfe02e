"""Fake OpenAI-compatible responses and a request-counting httpx transport for fault tests."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

#: The fake OpenAI-compatible endpoint (standard library only), run as a real process.
FAKE_LLM = Path(__file__).parent.parent / "scripts" / "fake_llm.py"


def _load_fake_llm() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fake_llm", FAKE_LLM)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fake_llm"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


#: ``scripts/fake_llm.py`` as a module: its fake model (``answer_for``, ``completion_for``) and
#: ``start`` to serve it on loopback in the test's own process.
fake_llm = _load_fake_llm()


@contextlib.contextmanager
def stand_in_server(**options: Any) -> Iterator[Any]:
    """``scripts/fake_llm.py`` served in a thread on a free loopback port with ``Options(**options)``.

    Yields the server: ``.base_url``, and ``.seen`` (the request bodies, the answers and the
    problems its ``check_request`` / ``check_response`` found).
    """
    server, thread = fake_llm.start(fake_llm.Options(**options))
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@contextlib.contextmanager
def fake_llm_server(*flags: str) -> Iterator[str]:
    """``scripts/fake_llm.py`` on a free loopback port with ``flags``; yields its base URL."""
    server = subprocess.Popen(
        [sys.executable, str(FAKE_LLM), "--port", "0", *flags], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(timeout=30)


ARTICLE = (
    "Rebels attacked an army post near Kidal on Monday, killing three soldiers, the army said.\n"
    "A spokesman for the rebels said \u201cat least 10 soldiers died\u201d in the assault.\n"
    "The government condemned the attack on Tuesday."
)
PUBLISHED = "2023-03-15"  # a Wednesday


def completion(
    content: str, *, finish_reason: str = "stop", prompt_tokens: int = 100, completion_tokens: int = 50
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def grounded_answer() -> str:
    return json.dumps(
        {
            "events": [
                {
                    "event_type": "Armed clash",
                    "date_text": "Monday",
                    "locations": [{"country": "Mali", "place": "Kidal"}],
                    "actor1": "Rebels",
                    "actor2": "army post",
                    "casualties": [
                        {
                            "kind": "killed",
                            "count": 3,
                            "qualifier": "exact",
                            "claimed_by": "the army",
                            "victims": "soldiers",
                            "quote": "killing three soldiers, the army said",
                        },
                        {
                            "kind": "killed",
                            "count": 10,
                            "qualifier": "at_least",
                            "claimed_by": "A spokesman for the rebels",
                            "victims": "soldiers",
                            "quote": '"at least 10 soldiers died"',
                        },
                    ],
                    "evidence": ["Rebels attacked an army post near Kidal on Monday"],
                }
            ]
        }
    )


def ungrounded_answer() -> str:
    return json.dumps(
        {
            "events": [
                {
                    "event_type": "Armed clash",
                    "date_text": None,
                    "locations": [],
                    "actor1": "Rebels",
                    "actor2": None,
                    "casualties": [],
                    "evidence": ["Rebels stormed the capital with tanks and artillery"],
                }
            ]
        }
    )


class Recorder:
    """An httpx handler that plays a script of responses/exceptions and records every request."""

    def __init__(
        self,
        script: list[Callable[[httpx.Request], httpx.Response] | httpx.Response | Exception]
        | Callable[[int], httpx.Response | Exception],
    ) -> None:
        self.script = script
        self.requests: list[httpx.Request] = []

    def _next(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        n = len(self.requests) - 1
        if callable(self.script) and not isinstance(self.script, list):
            item = self.script(n)
        else:
            item = self.script[min(n, len(self.script) - 1)]
        if isinstance(item, Exception):
            raise item
        if isinstance(item, httpx.Response):
            return item
        return item(request)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return self._next(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self._next(request)

    @property
    def bodies(self) -> Iterator[dict[str, Any]]:
        for request in self.requests:
            yield json.loads(request.content)


def ok(content: str, **kwargs: Any) -> httpx.Response:
    return httpx.Response(200, json=completion(content, **kwargs))
