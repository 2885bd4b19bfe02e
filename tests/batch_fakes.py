"""Shared pieces of the batch tests: article files, settings and an OpenAI-compatible fake endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from extractor.batch import PrepareReport, prepare
from extractor.settings import Settings
from tests.fakes import ARTICLE, completion, grounded_answer

#: Three articles that differ only by a trailing sentence (so their requests differ).
TEXTS = [ARTICLE, ARTICLE + "\nOfficials gave no further details.", ARTICLE + "\nThe road was closed."]


def batch_settings(tmp_path: Path, **changes: Any) -> Settings:
    base = Settings(
        prompt="events.v1",
        base_url="http://llm.test/v1",
        endpoint_kind="openai-compatible",
        model="test-model",
        use_cache=False,
        cache_dir=tmp_path / "cache",
        http_retries=0,
    )
    return base.replace(**changes)


def write_articles(folder: Path, texts: list[str] = TEXTS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, text in enumerate(texts):
        path = folder / f"art{n}.txt"
        path.write_text(text, encoding="utf-8")
        (folder / f"art{n}.meta.json").write_text(json.dumps({"published": "2023-03-15"}), encoding="utf-8")
        paths.append(path)
    return paths


def prepared(tmp_path: Path, settings: Settings, texts: list[str] = TEXTS) -> PrepareReport:
    return prepare(write_articles(tmp_path / "articles", texts), tmp_path / "requests.jsonl", settings)


def request_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def answering(answer: Callable[[dict[str, Any]], str] | None = None) -> httpx.MockTransport:
    """A fake chat endpoint (sync and async) answering every request with ``answer(body)``."""
    choose = answer or (lambda body: grounded_answer())

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=completion(choose(json.loads(request.content))))

    return httpx.MockTransport(handle)


def output_line(custom_id: str, content: str, *, number: int = 1) -> dict[str, Any]:
    """A successful line as OpenAI's output file holds it."""
    return {
        "id": f"batch_req_{number}",
        "custom_id": custom_id,
        "response": {"status_code": 200, "request_id": f"req_{number}", "body": completion(content)},
        "error": None,
    }


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
