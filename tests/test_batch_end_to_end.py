"""prepare -> run -> collect over the five eval articles gives the results ``extract`` gives.

The answers are the embedded model's recorded answers for ``events.v3`` (``evals/recordings/``),
served by a fake endpoint that finds each answer by the request's messages; the live path and
the batch path both ask that endpoint, with the response cache off.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
import yaml

from evals.gold import ARTICLES_DIR
from evals.runner import RECORDINGS_DIR, recorded_settings
from extractor.batch import collect, prepare, run_requests
from extractor.inputs import load_article
from extractor.llm import LLMClient
from extractor.output import JsonlOutput
from extractor.pipeline import Extractor
from extractor.settings import Settings

PROMPT = "events.v3"
#: What legitimately differs between a live and a collected result: timings, where it came from.
_CIRCUMSTANCES = ("duration_s", "llm_duration_s", "batch", "endpoint")


def _recorded_answers() -> dict[str, str]:
    answers = {}
    for cassette in sorted((RECORDINGS_DIR / PROMPT).glob("*.yaml")):
        for interaction in yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]:
            messages = json.loads(interaction["request"]["body"])["messages"]
            answers[json.dumps(messages)] = interaction["response"]["body"]["string"]
    return answers


class RecordedEndpoint:
    """Answers a chat request with the recorded answer to the same messages; counts requests."""

    def __init__(self) -> None:
        self.answers = _recorded_answers()
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        key = json.dumps(json.loads(request.content)["messages"])
        if key not in self.answers:
            return httpx.Response(404, json={"error": {"message": "no recorded answer"}})
        return httpx.Response(200, content=self.answers[key], headers={"content-type": "application/json"})


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    provenance = {k: v for k, v in result["provenance"].items() if k not in _CIRCUMSTANCES}
    return {**result, "provenance": provenance}


def test_prepare_run_collect_equals_extract_for_the_same_answers(tmp_path: Path) -> None:
    settings = recorded_settings(Settings(cache_dir=tmp_path / "cache"), RECORDINGS_DIR / PROMPT)
    settings = settings.replace(prompt=PROMPT)
    files = sorted(ARTICLES_DIR.glob("*.txt"))
    assert len(files) == 5

    endpoint = RecordedEndpoint()
    client = LLMClient(
        settings, transport=httpx.MockTransport(endpoint), async_transport=httpx.MockTransport(endpoint)
    )
    with Extractor(settings, client=client) as live:
        expected = [
            live.extract_article(load_article(path, max_chars=settings.extraction.max_article_chars))
            for path in files
        ]
    assert endpoint.requests == 5  # one answer per article, each validated at once

    report = prepare(files, tmp_path / "requests.jsonl", settings)
    assert report.requests == 5
    run = run_requests(
        report.files[0],
        tmp_path / "output.jsonl",
        settings,
        base_url=str(settings.llm.base_url),
        concurrency=2,
        transport=httpx.MockTransport(endpoint),
    )
    assert (run.requests, run.failed, endpoint.requests) == (5, 0, 10)
    sink = JsonlOutput.open(tmp_path / "results.jsonl", resume=False)
    with contextlib.closing(sink):
        collected = collect([tmp_path / "output.jsonl"], report.manifest, sink, settings)
    assert (collected.results, collected.errors, collected.problems) == (5, 0, [])

    lines = [
        json.loads(line) for line in (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    live_lines = [json.loads(result.model_dump_json()) for result in expected]
    assert [_comparable(line) for line in lines] == [_comparable(line) for line in live_lines]
    assert sum(len(line["events"]) for line in lines) > 0  # the comparison covers grounded events
    assert all(line["provenance"]["batch"]["file"] == str(tmp_path / "output.jsonl") for line in lines)
