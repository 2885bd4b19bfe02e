"""``batch run`` writes OpenAI-format output lines with bounded concurrency; ``--retry-from`` re-asks."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from extractor.batch import Manifest, collect, prepare_retry, run_requests
from extractor.cli import main
from extractor.errors import BatchError
from extractor.inputs import load_article
from extractor.llm import LLMClient
from extractor.output import JsonlOutput
from extractor.pipeline import Extractor
from extractor.settings import Settings
from tests.batch_fakes import batch_settings, output_line, prepared, request_lines, write_jsonl
from tests.fakes import completion, grounded_answer, ungrounded_answer


class SlowEndpoint:
    """An async endpoint that records how many requests are in flight at once."""

    def __init__(self, statuses: dict[int, int] | None = None) -> None:
        self.in_flight = 0
        self.most = 0
        self.bodies: list[dict[str, Any]] = []
        self.statuses = statuses or {}

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        self.bodies.append(json.loads(request.content))
        number = len(self.bodies)
        await asyncio.sleep(0.01 * (5 - number % 5))  # later requests finish first
        self.in_flight -= 1
        status = self.statuses.get(number, 200)
        if status != 200:
            return httpx.Response(status, json={"error": {"message": "rejected"}})
        return httpx.Response(
            200, json=completion(grounded_answer()), headers={"x-request-id": f"req-{number}"}
        )


def _run(
    tmp_path: Path, endpoint: Any, concurrency: int, settings: Settings | None = None
) -> list[dict[str, Any]]:
    settings = settings or batch_settings(tmp_path)
    report = prepared(tmp_path, settings)
    run_requests(
        report.files[0],
        tmp_path / "output.jsonl",
        settings,
        base_url="http://llm.test/v1",
        concurrency=concurrency,
        transport=httpx.MockTransport(endpoint),
    )
    return request_lines(tmp_path / "output.jsonl")


@pytest.mark.parametrize("concurrency", [1, 2])
def test_run_keeps_at_most_concurrency_requests_in_flight_and_the_input_order(
    tmp_path: Path, concurrency: int
) -> None:
    endpoint = SlowEndpoint()
    lines = _run(tmp_path, endpoint, concurrency)
    assert endpoint.most == concurrency
    assert [line["custom_id"] for line in lines] == ["art0", "art1", "art2"]
    sent = request_lines(tmp_path / "requests.jsonl")
    assert sorted(map(json.dumps, endpoint.bodies)) == sorted(json.dumps(line["body"]) for line in sent)
    for line in lines:
        assert set(line) == {"id", "custom_id", "response", "error"}
        assert line["response"]["status_code"] == 200 and line["error"] is None
        assert line["response"]["body"]["object"] == "chat.completion"


def test_run_writes_an_http_error_with_its_status_and_a_lost_request_as_an_error(tmp_path: Path) -> None:
    calls = {"n": 0}

    def endpoint(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 2:
            return httpx.Response(400, json={"error": {"message": "context too long"}})
        if calls["n"] == 3:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json=completion(grounded_answer()))

    lines = _run(tmp_path, endpoint, 1)
    assert lines[1]["response"]["status_code"] == 400 and lines[1]["response"]["body"]["error"]
    assert lines[2]["response"] is None and lines[2]["error"]["code"] == "ConnectError"


def test_run_retries_a_429_through_the_retry_transport(tmp_path: Path) -> None:
    calls = {"n": 0}

    def endpoint(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(
                429, headers={"retry-after-ms": "1"}, json={"error": {"message": "slow down"}}
            )
        return httpx.Response(200, json=completion(grounded_answer()))

    lines = _run(tmp_path, endpoint, 1, batch_settings(tmp_path, http_retries=1, backoff_initial_s=0.001))
    assert calls["n"] == 4
    assert all(line["response"]["status_code"] == 200 for line in lines)


def test_run_refuses_an_existing_output_and_a_concurrency_below_1(tmp_path: Path) -> None:
    report = prepared(tmp_path, batch_settings(tmp_path))
    (tmp_path / "o.jsonl").write_text("keep\n", encoding="utf-8")
    args = (report.files[0], tmp_path / "o.jsonl", batch_settings(tmp_path))
    with pytest.raises(BatchError, match="already exists"):
        run_requests(*args, base_url="http://llm.test/v1")
    with pytest.raises(BatchError, match="at least 1"):
        run_requests(*args, base_url="http://llm.test/v1", concurrency=0)
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == "keep\n"


def test_run_refuses_a_line_that_is_not_a_chat_request(tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"custom_id": "a", "url": "/v1/embeddings", "body": {}}])
    with pytest.raises(BatchError, match=r"bad\.jsonl:1: not a /v1/chat/completions"):
        run_requests(bad, tmp_path / "o.jsonl", batch_settings(tmp_path), base_url="http://llm.test/v1")


def test_retry_from_builds_the_live_reask_for_each_failed_validation(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path, reasks=1)
    report = prepared(tmp_path, settings)
    answers = [grounded_answer(), ungrounded_answer(), grounded_answer()]
    output = write_jsonl(tmp_path / "out.jsonl", [output_line(f"art{n}", a) for n, a in enumerate(answers)])
    sink = JsonlOutput.open(tmp_path / "results.jsonl", resume=False)
    with contextlib.closing(sink):
        collect([output], report.manifest, sink, settings)

    retry = prepare_retry(tmp_path / "results.jsonl", tmp_path / "round2.jsonl", settings)
    lines = request_lines(retry.files[0])
    assert [line["custom_id"] for line in lines] == ["art1.r2"]
    assert Manifest.read(retry.manifest).round == 2

    # The live client, answered the same way, sends exactly this re-ask as its second request.
    sent: list[dict[str, Any]] = []

    def live_endpoint(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(
            200, json=completion(ungrounded_answer() if len(sent) == 1 else grounded_answer())
        )

    client = LLMClient(settings, transport=httpx.MockTransport(live_endpoint))
    with Extractor(settings, client=client) as live:
        live.extract_article(load_article(tmp_path / "articles" / "art1.txt", max_chars=10_000))
    assert len(sent) == 2 and lines[0]["body"] == sent[1]
    assert "Correct your JSON" in lines[0]["body"]["messages"][-1]["content"]

    round2 = write_jsonl(tmp_path / "out2.jsonl", [output_line("art1.r2", grounded_answer())])
    sink = JsonlOutput.open(tmp_path / "results2.jsonl", resume=False)
    with contextlib.closing(sink):
        again = collect([round2], retry.manifest, sink, settings)
    result = json.loads((tmp_path / "results2.jsonl").read_text(encoding="utf-8"))
    assert again.results == 1 and result["events"] and result["provenance"]["attempts"] == 2
    assert result["provenance"]["batch"]["round"] == 2


def test_retry_from_without_failed_validations_says_there_is_nothing_to_reask(tmp_path: Path) -> None:
    (tmp_path / "results.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(BatchError, match="nothing to re-ask"):
        prepare_retry(tmp_path / "results.jsonl", tmp_path / "r2.jsonl", batch_settings(tmp_path))


def test_the_prepare_command_takes_files_or_retry_from_not_both(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text("", encoding="utf-8")
    out = str(tmp_path / "r2.jsonl")
    both = CliRunner().invoke(
        main, ["batch", "prepare", str(results), "--retry-from", str(results), "-o", out]
    )
    assert both.exit_code == 2 and "give no FILES" in both.output
    neither = CliRunner().invoke(main, ["batch", "prepare", "-o", out])
    assert neither.exit_code == 2 and "give the article FILES" in neither.output
    nothing = CliRunner().invoke(main, ["batch", "prepare", "--retry-from", str(results), "-o", out])
    assert nothing.exit_code == 1 and "nothing to re-ask" in nothing.stderr
