"""``batch collect`` reads both engines' output files and grounds answers exactly like the live path.

Output shapes, as the engines document them:

* OpenAI (https://platform.openai.com/docs/guides/batch and the "batch request output" object of
  https://platform.openai.com/docs/api-reference/batch/request-output): one line per request,
  ``{"id": "batch_req_...", "custom_id": ..., "response": {"status_code": 200, "request_id": ...,
  "body": {chat completion}}, "error": null}``; failed requests go to a separate error file, with
  a non-200 ``response.status_code`` and the error body, or ``"response": null`` and
  ``"error": {"code": ..., "message": ...}``; lines are not in input order.
* vLLM ``run-batch`` (``BatchRequestOutput`` and ``make_error_request_output`` in
  ``vllm/entrypoints/openai/run_batch.py``): the same line object in one file; a failed request
  is inline, ``"response": {"status_code": 400, "request_id": "vllm-batch-...", "body": null}``
  with ``"error"`` set to the message.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.batch import CollectReport, Manifest, collect, parse_output_line, prepare
from extractor.cli import main
from extractor.errors import BatchError
from extractor.output import JsonlOutput
from extractor.settings import Settings
from schemas.events_v3 import ArticleResult
from tests.batch_fakes import TEXTS, batch_settings, output_line, prepared, write_articles, write_jsonl
from tests.fakes import completion, grounded_answer, ungrounded_answer


def _collect(
    tmp_path: Path, outputs: list[Path], settings: Settings, name: str = "results.jsonl"
) -> tuple[CollectReport, list[dict[str, Any]], list[tuple[str, str]]]:
    failures: list[tuple[str, str]] = []
    sink = JsonlOutput.open(tmp_path / name, resume=False)
    try:
        report = collect(
            outputs,
            tmp_path / "requests.manifest.json",
            sink,
            settings,
            batch_id="batch_abc",
            on_failure=lambda where, why: failures.append((where, why)),
        )
    finally:
        sink.close()
    lines = [json.loads(line) for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()]
    return report, lines, failures


def test_openai_output_and_error_files_are_collected_in_input_order(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)
    output = write_jsonl(
        tmp_path / "batch_abc.output.jsonl",
        [output_line("art2", grounded_answer(), number=1), output_line("art0", grounded_answer(), number=2)],
    )
    errors = write_jsonl(
        tmp_path / "batch_abc.errors.jsonl",
        [
            {
                "id": "batch_req_3",
                "custom_id": "art1",
                "response": {
                    "status_code": 400,
                    "request_id": "req_3",
                    "body": {"error": {"message": "Invalid model", "type": "invalid_request_error"}},
                },
                "error": None,
            }
        ],
    )
    report, lines, failures = _collect(tmp_path, [output, errors], settings)
    assert [line["article_id"] for line in lines] == ["art0", "art1", "art2"]
    assert "events" in lines[0] and "events" in lines[2]
    assert lines[1]["error"]["type"] == "BatchError" and "Invalid model" in lines[1]["error"]["message"]
    assert lines[1]["source"] == f"{errors}:1"
    assert (report.results, report.errors, report.failed) == (2, 1, True)
    assert failures[0][0] == f"{errors}:1"
    batch = ArticleResult.model_validate(lines[0]).provenance.batch
    assert batch is not None
    assert (batch.batch_id, batch.custom_id, batch.file, batch.line) == ("batch_abc", "art0", str(output), 2)


def test_an_openai_error_line_without_a_response_fails_its_article(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings, TEXTS[:1])
    errors = write_jsonl(
        tmp_path / "errors.jsonl",
        [
            {
                "id": "batch_req_1",
                "custom_id": "art0",
                "response": None,
                "error": {"code": "x", "message": "boom"},
            }
        ],
    )
    report, lines, _ = _collect(tmp_path, [errors], settings)
    assert report.errors == 1 and "no response: x: boom" in lines[0]["error"]["message"]


def test_vllm_run_batch_output_with_inline_errors_is_collected(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)
    ok = {
        "id": "vllm-1",
        "custom_id": "art0",
        "response": {"status_code": 200, "request_id": "vllm-batch-1", "body": completion(grounded_answer())},
        "error": None,
    }
    failed = {
        "id": "vllm-2",
        "custom_id": "art1",
        "response": {"status_code": 400, "request_id": "vllm-batch-2", "body": None},
        "error": "The model does not support Chat Completions API",
    }
    output = write_jsonl(tmp_path / "vllm.jsonl", [ok, failed, {**ok, "custom_id": "art2", "id": "vllm-3"}])
    report, lines, _ = _collect(tmp_path, [output], settings)
    assert (report.results, report.errors) == (2, 1)
    assert [("error" in line) for line in lines] == [False, True, False]
    assert "status 400: The model does not support" in lines[1]["error"]["message"]
    assert lines[1]["source"] == f"{output}:2"
    assert lines[0]["events"] and lines[0]["provenance"]["batch"]["line"] == 1


def test_bad_lines_are_named_with_file_and_line_and_the_others_collected(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)
    output = tmp_path / "out.jsonl"
    good = [json.dumps(output_line(cid, grounded_answer())) for cid in ("art0", "art1", "art2")]
    unknown = json.dumps(output_line("nobody", grounded_answer()))
    output.write_text("\n".join([good[0], unknown, good[1], good[1], good[2][:40]]) + "\n", encoding="utf-8")
    report, lines, failures = _collect(tmp_path, [output], settings)
    assert report.problems[:2] == [
        f"{output}:2: custom_id 'nobody' is not in the manifest",
        f"{output}:4: custom_id 'art1' repeated (first at {output}:3, which is the one collected)",
    ]
    assert report.problems[2].startswith(f"{output}:5: not valid JSON (a torn or truncated line): ")
    assert len(report.problems) == 3
    assert [line["article_id"] for line in lines] == ["art0", "art1", "art2"]
    assert "events" in lines[0] and "events" in lines[1]
    assert "no answer" in lines[2]["error"]["message"]
    assert [where for where, _ in failures[:3]] == [f"{output}:2", f"{output}:4", f"{output}:5"]


def test_a_failed_validation_is_listed_and_kept_with_its_errors(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)
    output = write_jsonl(
        tmp_path / "out.jsonl",
        [
            output_line("art0", grounded_answer()),
            output_line("art1", ungrounded_answer()),
            output_line("art2", grounded_answer()),
        ],
    )
    report, lines, _ = _collect(tmp_path, [output], settings)
    assert report.failed_validation == ["art1"]
    assert lines[1]["events"] == [] and lines[1]["diagnostics"]["validation_errors"]
    assert lines[1]["diagnostics"]["dropped"]  # the ungrounded event is dropped, as live


def test_a_manifest_from_another_prompt_or_schema_is_refused(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    report = prepared(tmp_path, settings)
    output = write_jsonl(tmp_path / "out.jsonl", [output_line("art0", grounded_answer())])
    manifest = Manifest.read(report.manifest)
    manifest.model_copy(update={"prompt_sha256": "0" * 64}).write(report.manifest)
    with pytest.raises(
        BatchError, match=r"prepared with prompt events\.v1 sha256 000000000000.*another prompt"
    ):
        _collect(tmp_path, [output], settings)
    manifest.model_copy(update={"schema_version": "events.v1"}).write(report.manifest)
    with pytest.raises(BatchError, match=r"prepared for record schema events\.v1"):
        _collect(tmp_path, [output], settings, "again.jsonl")
    manifest.model_copy(update={"draft_schema_version": "events.v0"}).write(report.manifest)
    with pytest.raises(BatchError, match=r"prepared for draft schema events\.v0"):
        _collect(tmp_path, [output], settings, "third.jsonl")


def test_an_answer_to_a_request_that_would_now_differ_is_refused(tmp_path: Path) -> None:
    prepared(tmp_path, batch_settings(tmp_path))
    output = write_jsonl(
        tmp_path / "out.jsonl", [output_line(f"art{n}", grounded_answer()) for n in range(3)]
    )
    report, lines, _ = _collect(tmp_path, [output], batch_settings(tmp_path, max_tokens=300))
    assert report.errors == 3
    assert "would now differ from the one prepared" in lines[0]["error"]["message"]


def test_a_changed_article_is_not_grounded_in_its_new_text(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)
    (tmp_path / "articles" / "art1.txt").write_text("Something else entirely.", encoding="utf-8")
    output = write_jsonl(
        tmp_path / "out.jsonl", [output_line(f"art{n}", grounded_answer()) for n in range(3)]
    )
    report, lines, _ = _collect(tmp_path, [output], settings)
    assert report.errors == 1 and "changed since the batch was prepared" in lines[1]["error"]["message"]


def test_collect_resumes_an_output_file(tmp_path: Path) -> None:
    settings = batch_settings(tmp_path)
    prepared(tmp_path, settings)
    first = write_jsonl(tmp_path / "first.jsonl", [output_line("art0", grounded_answer())])
    _collect(tmp_path, [first], settings)
    everything = write_jsonl(
        tmp_path / "all.jsonl", [output_line(f"art{n}", grounded_answer()) for n in range(3)]
    )
    sink = JsonlOutput.open(tmp_path / "results.jsonl", resume=True)
    with contextlib.closing(sink):
        report = collect([everything], tmp_path / "requests.manifest.json", sink, settings)
    lines = [
        json.loads(line) for line in (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert report.skipped == 1 and report.results == 2
    assert [line["article_id"] for line in lines] == ["art0", "art1", "art2"]
    assert all("events" in line for line in lines)


def test_the_cli_exits_1_and_names_a_bad_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_BASE_URL", "http://llm.test/v1")
    monkeypatch.setenv("EXTRACTOR_ENDPOINT_KIND", "openai-compatible")
    monkeypatch.setenv("EXTRACTOR_MODEL", "test-model")
    monkeypatch.setenv("EXTRACTOR_PROMPT", "events.v1")
    prepare(write_articles(tmp_path / "articles"), tmp_path / "requests.jsonl", Settings.from_env())
    output = tmp_path / "out.jsonl"
    lines = [json.dumps(output_line(f"art{n}", grounded_answer())) for n in range(3)]
    output.write_text("\n".join([*lines, '{"custom_id": "art0", "respo']) + "\n", encoding="utf-8")
    args = ["batch", "collect", str(output), "--manifest", str(tmp_path / "requests.manifest.json")]
    result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "results.jsonl")])
    assert result.exit_code == 1
    assert f"failed: {output}:4: not valid JSON" in result.stderr
    assert "wrote 3 result(s) and 0 error line(s)" in result.stderr
    missing = [*args[:2], str(tmp_path / "missing.jsonl"), *args[3:], "-o", str(tmp_path / "x.jsonl")]
    result = CliRunner().invoke(main, missing)
    assert result.exit_code == 1 and "missing.jsonl: cannot be read" in result.stderr


def test_an_error_without_a_message_is_named_by_its_code() -> None:
    line = {
        "id": "batch_req_4",
        "custom_id": "a",
        "response": None,
        "error": {"code": "ReadTimeout", "message": ""},
    }
    assert parse_output_line(json.dumps(line).encode()).error == "no response: ReadTimeout"
