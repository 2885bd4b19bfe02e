"""A broken or hostile endpoint costs one article, never the run: answers are bounded before parsing.

Each hostile answer below used to abort the whole run (``ValueError`` of Python's 4,300-digit int
limit, ``RecursionError``) or to be read whole and sent back in re-asks (a 100 MB answer); now
each is an ``LLMOutputError`` for its own article, and the other articles complete.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractor.batch import collect, run_requests
from extractor.errors import LLMOutputError
from extractor.llm.tokens import answer_byte_limit
from extractor.output import JsonlOutput
from schemas.events_v3 import ArticleResult
from tests.batch_fakes import batch_settings, output_line, prepared, write_jsonl
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, completion, fake_llm_server, grounded_answer, ok

EXTRACTOR = Path(sys.executable).parent / "extractor"
HOSTILE = "Hostile marker sentence for the fake endpoint."
BIGINT_ANSWER = json.dumps({"events": [{"event_type": "Other", "evidence": ["x"]}]}).replace(
    '"x"]', '"x"], "casualties": [{"kind": "killed", "count": ' + "9" * 5000 + ', "quote": "x"}]'
)


def _raw(body: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "application/json", **headers})


def _envelope(content: str = "{}") -> str:
    return json.dumps(completion(content))


HOSTILE_RESPONSES: dict[str, Callable[[], httpx.Response]] = {
    "an integer of 5,000 digits in the answer": lambda: ok(BIGINT_ANSWER),
    "an integer of 5,000 digits around the answer": lambda: _raw(
        _envelope().replace('"created": 0', '"created": ' + "9" * 5000).encode()
    ),
    "an answer nested 5,000 levels deep": lambda: ok("[" * 5000 + "]" * 5000),
    "a response nested 5,000 levels deep": lambda: _raw(
        _envelope().replace('"usage": {', '"x": ' + "[" * 5000 + "]" * 5000 + ', "usage": {').encode()
    ),
    "a lone surrogate escaped in the answer": lambda: ok('{"events": [{"event_type": "\\ud800"}]}'),
    "a lone surrogate in the answer's text": lambda: _raw(
        _envelope().replace('"content": "{}"', '"content": "\\ud800{}"').encode()
    ),
    "an answer of 3 MB": lambda: ok("x" * 3_000_000),
    "a compressed answer": lambda: _raw(gzip.compress(_envelope().encode()), **{"content-encoding": "gzip"}),
}


def _by_article(hostile: Callable[[], httpx.Response]) -> Recorder:
    def answer(request: httpx.Request) -> httpx.Response:
        return hostile() if HOSTILE in request.content.decode() else ok(grounded_answer())

    return Recorder([answer])


@pytest.mark.parametrize("name", HOSTILE_RESPONSES)
def test_a_hostile_answer_fails_its_own_article_and_the_others_complete(tmp_path: Path, name: str) -> None:
    endpoint = FakeEndpoint(tmp_path, _by_article(HOSTILE_RESPONSES[name]), http_retries=0)
    texts = [ARTICLE, f"{ARTICLE}\n{HOSTILE}", ARTICLE + "\nThe road was closed."]
    outcomes = asyncio.run(endpoint.extractor.aextract_many(texts, concurrency=2))
    assert isinstance(outcomes[1], LLMOutputError), outcomes[1]
    for outcome in (outcomes[0], outcomes[2]):
        assert isinstance(outcome, ArticleResult) and outcome.events


def test_an_oversized_answer_is_refused_unread_and_never_sent_back(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(tmp_path, Recorder([ok("x" * 3_000_000)]), http_retries=2, reasks=2)
    with pytest.raises(LLMOutputError, match="refused unread"):
        endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    assert endpoint.request_count == 1  # neither retried nor re-asked


def test_an_invalid_answer_within_the_bound_is_re_asked_with_a_bounded_request(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(tmp_path, Recorder([ok("x" * 20_000), ok(grounded_answer())]), reasks=1)
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    first, reask = (len(request.content) for request in endpoint.recorder.requests)
    limit = answer_byte_limit(json.loads(endpoint.recorder.requests[0].content)["max_tokens"])
    assert result.events and result.provenance.attempts == 2
    assert first < reask <= first + limit


class _Endless(httpx.SyncByteStream):
    """A 20 MB response body with no declared length (endless, for a client); counts what was taken."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"choices": [{"message": {"content": "'
        for _ in range(320):
            self.taken += 65536
            yield b"x" * 65536
        yield b'"}}]}'


def test_an_endless_answer_is_cut_while_it_is_read(tmp_path: Path) -> None:
    body = _Endless()
    endpoint = FakeEndpoint(tmp_path, Recorder([lambda request: httpx.Response(200, stream=body)]))
    with pytest.raises(LLMOutputError, match="passed"):
        endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    limit = answer_byte_limit(json.loads(endpoint.recorder.requests[0].content)["max_tokens"])
    assert limit < body.taken <= limit + 65536


def test_chat_requests_ask_for_an_uncompressed_answer(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]))
    endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    assert endpoint.recorder.requests[0].headers["accept-encoding"] == "identity"


# ------------------------------------------------------------------ batch collect and batch run
def test_batch_collect_turns_hostile_answers_into_error_lines_and_collects_the_rest(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)
    huge = output_line("art2", "x" * (answer_byte_limit(settings.llm.max_tokens) + 10), number=3)
    output = write_jsonl(
        tmp_path / "out.jsonl",
        [
            output_line("art0", grounded_answer(), number=1),
            output_line("art1", BIGINT_ANSWER, number=2),
            huge,
        ],
    )
    sink = JsonlOutput.open(tmp_path / "results.jsonl", resume=False)
    try:
        report = collect([output], tmp_path / "requests.manifest.json", sink, settings)
    finally:
        sink.close()
    lines = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [line["article_id"] for line in lines] == ["art0", "art1", "art2"]
    assert lines[0]["events"]
    assert lines[1]["error"]["type"] == "LLMOutputError"
    assert "no answer" in lines[2]["error"]["message"]
    assert any(f"{output}:3: a line of" in problem for problem in report.problems)


def test_batch_run_writes_an_error_line_for_an_oversized_answer(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)

    def handle(request: httpx.Request) -> httpx.Response:
        big = "art1" in request.content.decode() or "further details" in request.content.decode()
        return ok("x" * 3_000_000) if big else ok(grounded_answer())

    async def answer(request: httpx.Request) -> httpx.Response:
        return handle(request)

    report = run_requests(
        tmp_path / "requests.jsonl",
        tmp_path / "output.jsonl",
        settings,
        base_url="http://llm.test/v1",
        transport=httpx.MockTransport(answer),
    )
    lines = [json.loads(line) for line in (tmp_path / "output.jsonl").read_text().splitlines()]
    assert report.failed == 1
    assert [line["response"] is None for line in lines] == [False, True, False]
    assert lines[1]["error"]["code"] == "LLMOutputError"


# ------------------------------------------------------------------ the CLI against a real hostile server
@pytest.fixture
def hostile_server() -> Iterator[str]:
    with fake_llm_server("--hostile") as url:
        yield url


def _stats(url: str) -> dict[str, Any]:
    stats: dict[str, Any] = httpx.get(f"{url}/stats", timeout=30).json()
    return stats


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest.mark.timeout(300)  # a CLI process that loads spaCy and builds the gazetteer
def test_the_cli_extracts_every_other_file_when_answers_are_hostile(
    tmp_path: Path, hostile_server: str
) -> None:
    texts = {
        "a": "Troops clashed with rebels near Gao on Monday, the army said.",
        "huge": "Gunmen attacked a convoy on Monday, officials said. HOSTILE-HUGE",
        "bigint": "Rebels shelled a base on Tuesday, the army said. HOSTILE-BIGINT",
        "deep": "Police dispersed protesters on Friday, witnesses said. HOSTILE-DEEP",
        "z": "Troops clashed with rebels near Gao on Sunday, the army said.",
    }
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k != "OPENAI_API_KEY"}
    env["EXTRACTOR_CACHE_DIR"] = str(tmp_path / "cache")
    run = subprocess.run(
        [str(EXTRACTOR), "extract", *(f"{name}.txt" for name in texts), "--base-url", hostile_server,
         "--model", "fake", "--prompt", "events.v1", "-o", "out.jsonl"],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    written = (tmp_path / "out.jsonl").read_text().splitlines()
    lines = {line["article_id"]: line for line in map(json.loads, written)}
    assert set(lines) == set(texts)
    assert "events" in lines["a"] and "events" in lines["z"]
    for name in ("huge", "deep", "bigint"):
        assert lines[name]["error"]["type"] == "LLMOutputError", lines[name]
    assert "refused unread" in lines["huge"]["error"]["message"]
    assert "out of range" in lines["bigint"]["error"]["message"]  # re-asked, refused each time
    assert _stats(hostile_server)["hostile_bytes_sent"] < 16 * 1024 * 1024  # of 100 MB offered


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest.mark.timeout(300)  # the first located event builds the gazetteer (about 10 s of CPU)
def test_the_service_keeps_the_other_articles_of_a_job_when_one_answer_is_hostile(tmp_path: Path) -> None:
    from tests.service_fakes import article, ndjson, running, service_app

    hostile = HOSTILE_RESPONSES["an integer of 5,000 digits around the answer"]

    def answer(request: httpx.Request) -> httpx.Response:
        return hostile() if HOSTILE in request.content.decode() else ok(grounded_answer())

    app, _ = service_app(tmp_path, handler=answer, http_retries=0)
    texts = [article(1), f"{article(2)}\n{HOSTILE}", article(3)]

    async def go() -> list[dict[str, Any]]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=texts)).json()["id"]
            return ndjson(await client.get(f"/v1/jobs/{job}/results"))

    lines = asyncio.run(go())
    assert ["events" in line for line in lines] == [True, False, True]
    assert lines[1]["error"]["type"] == "LLMOutputError"
