"""The conformance matrix for batch files: every released prompt x every endpoint kind.

``batch prepare`` must write one request line per article whose ``body`` is a chat request of
OpenAI's published description (``tests/openai_spec.py``), and ``batch collect`` must read the
Batch API's output lines — answers of each kind's shape from ``scripts/fake_llm.py``'s fake
model, a refusal, a cut answer, an error line — into grounded records or the typed error line.
Prompts and kinds are discovered when the tests are collected, as in
``test_endpoint_conformance.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor.batch import collect, prepare
from extractor.endpoints import PROFILES
from extractor.output import JsonlOutput
from extractor.settings import Settings
from schemas.events_v3 import ArticleResult
from tests.batch_fakes import request_lines, write_articles, write_jsonl
from tests.fakes import ARTICLE, fake_llm
from tests.openai_spec import (
    batch_input_problems,
    batch_output_problems,
    chat_response_problems,
    spec_path,
)
from tests.test_endpoint_conformance import KINDS, RELEASED, assert_grounded

OPENAI_URL = "https://api.openai.com/v1"
#: Four articles, one per outcome: an answer, a refusal, an answer cut at the token limit, an error line.
TEXTS = [ARTICLE + tail for tail in ("", "\nNo one claimed it.", "\nThe road was shut.", "\nTalks resumed.")]
FAULTS = ["ok", "refusal", "length", "error"]


@pytest.fixture(scope="module", autouse=True)
def openai_description() -> Path:
    return spec_path()


def batch_settings_for(kind: str, tmp_path: Path, prompt: str) -> Settings:
    """A user's batch settings: OpenAI by its URL (no key needed to prepare), others by kind."""
    if PROFILES[kind].hosts:
        return Settings(base_url=OPENAI_URL, prompt=prompt, cache_dir=tmp_path / "cache")
    return Settings(
        base_url="http://llm.test/v1",
        endpoint_kind=kind,
        model="test-model",
        prompt=prompt,
        cache_dir=tmp_path / "cache",
    )


def output_line(number: int, request: dict[str, Any], fault: str) -> dict[str, Any]:
    """The Batch API's output line for ``request`` answered by the fake model with ``fault``."""
    custom_id = request["custom_id"]
    if fault == "error":
        error = {"code": "server_error", "message": "The server had an error processing the request."}
        return {"id": f"batch_req_{number}", "custom_id": custom_id, "response": None, "error": error}
    body = fake_llm.completion_for(request["body"], fault, number=number)
    response = {"status_code": 200, "request_id": f"req_{number}", "body": body}
    return {"id": f"batch_req_{number}", "custom_id": custom_id, "response": response, "error": None}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prompt", RELEASED)
def test_prepared_lines_are_chat_requests_and_collected_answers_become_records_or_typed_errors(
    prompt: str, kind: str, tmp_path: Path
) -> None:
    settings = batch_settings_for(kind, tmp_path, prompt)
    assert settings.llm.resolved_endpoint_kind == kind
    report = prepare(write_articles(tmp_path / "articles", TEXTS), tmp_path / "requests.jsonl", settings)
    requests = request_lines(tmp_path / "requests.jsonl")
    assert report.requests == len(requests) == len(TEXTS)  # one line per article
    for line in requests:
        assert batch_input_problems(line) == []

    outputs = [
        output_line(n, request, fault)
        for n, (request, fault) in enumerate(zip(requests, FAULTS, strict=True))
    ]
    for line in outputs:
        assert batch_output_problems(line) == []
    output = write_jsonl(tmp_path / "batch.output.jsonl", outputs[::-1])  # not in input order
    sink = JsonlOutput.open(tmp_path / "results.jsonl", resume=False)
    try:
        collected = collect([output], report.manifest, sink, settings, batch_id="batch_1")
    finally:
        sink.close()
    results = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [r["article_id"] for r in results] == ["art0", "art1", "art2", "art3"]
    assert (collected.results, collected.errors) == (1, 3)
    assert_grounded(ArticleResult.model_validate(results[0]), TEXTS[0])
    assert results[1]["error"]["type"] == "LLMOutputError" and "refused" in results[1]["error"]["message"]
    assert results[2]["error"]["type"] == "TruncatedOutputError"
    assert results[3]["error"]["type"] == "BatchError" and "server_error" in results[3]["error"]["message"]


def test_the_fake_answers_themselves_are_chat_completions_of_the_description() -> None:
    request = {"model": "m", "messages": [{"role": "user", "content": 'Article:\n"""\nA b c.\n"""'}]}
    tools = {**request, "tools": [{"type": "function", "function": {"name": "F", "parameters": {}}}]}
    for body in (request, tools):
        for fault in fake_llm.FAULTS:
            assert chat_response_problems(fake_llm.completion_for(body, fault)) == [], fault
