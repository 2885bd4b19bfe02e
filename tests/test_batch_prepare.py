"""``batch prepare``: OpenAI Batch input lines whose bodies are exactly the live requests.

The input format checked here is OpenAI's "batch request input" object
(https://platform.openai.com/docs/api-reference/batch/request-input): ``custom_id`` (string,
unique in the file), ``method`` (``POST``), ``url`` (``/v1/chat/completions``) and ``body``; the
file limits (50,000 requests, 200 MB) are those of ``BatchCreateParams.input_file_id`` in the
openai SDK (``openai/types/batch_create_params.py``). vLLM's ``run-batch`` reads the same lines
(``BatchRequestInput`` in ``vllm/entrypoints/openai/run_batch.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from click.testing import CliRunner
from pydantic import BaseModel, ConfigDict, Field

from extractor.batch import Manifest, custom_id_for, prepare
from extractor.cli import main
from extractor.errors import BatchError, ConfigurationError
from extractor.inputs import load_article
from extractor.llm import LLMClient
from extractor.pipeline import Extractor
from extractor.prompts import load_prompt
from extractor.settings import Settings
from schemas.events_v3 import SCHEMA_VERSION
from tests.batch_fakes import TEXTS, batch_settings, prepared, request_lines, write_articles
from tests.fakes import Recorder, completion, grounded_answer


class ChatBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[dict[str, Any]] = Field(min_length=1)


class BatchRequestInput(BaseModel):
    """OpenAI's batch request input object, field by field (no other field allowed)."""

    model_config = ConfigDict(extra="forbid")
    custom_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    method: Literal["POST"]
    url: Literal["/v1/chat/completions"]
    body: ChatBody


def test_request_lines_validate_against_the_openai_batch_input_format(tmp_path: Path) -> None:
    report = prepared(tmp_path, batch_settings(tmp_path))
    lines = request_lines(report.files[0])
    parsed = [BatchRequestInput.model_validate(line) for line in lines]
    assert len(parsed) == 3
    assert len({line.custom_id for line in parsed}) == 3
    assert {line.body.model for line in parsed} == {"test-model"}


@pytest.mark.parametrize(
    ("kind", "url", "prompt"),
    [
        ("openai", "https://api.openai.com/v1", "events.v1"),
        ("openai-compatible", "http://llm.test/v1", "events.v3"),
        ("llama-cpp-python", "http://127.0.0.1:9/v1", "events.v3"),
    ],
)
def test_each_body_is_exactly_the_request_the_live_client_sends(
    tmp_path: Path, kind: str, url: str, prompt: str
) -> None:
    settings = batch_settings(tmp_path, endpoint_kind=kind, base_url=url, prompt=prompt, api_key="sk-test")
    report = prepared(tmp_path, settings)
    lines = request_lines(report.files[0])
    manifest = Manifest.read(report.manifest)
    recorder = Recorder([httpx.Response(200, json=completion(grounded_answer()))])
    client = LLMClient(settings, transport=httpx.MockTransport(recorder))
    with Extractor(settings, client=client) as live:
        for path, line, (_, entry) in zip(
            sorted((tmp_path / "articles").glob("*.txt")), lines, manifest.articles(), strict=True
        ):
            first = len(recorder.requests)  # the article's first request (re-asks may follow)
            result = live.extract_article(load_article(path, max_chars=settings.extraction.max_article_chars))
            assert line["body"] == json.loads(recorder.requests[first].content)
            assert entry.request_sha256 == result.provenance.request_sha256
    assert "sk-test" not in report.files[0].read_text(encoding="utf-8")


def test_the_manifest_records_prompt_schema_model_and_the_articles_of_each_file(tmp_path: Path) -> None:
    report = prepared(tmp_path, batch_settings(tmp_path))
    manifest = Manifest.read(report.manifest)
    spec = load_prompt("events.v1")
    assert (manifest.prompt, manifest.prompt_sha256) == (spec.name, spec.sha256)
    assert manifest.schema_version == SCHEMA_VERSION
    assert manifest.model == "test-model"
    assert [f.path for f in manifest.files] == ["requests.jsonl"]
    assert [a.article_id for a in manifest.files[0].articles] == ["art0", "art1", "art2"]
    assert [a.line for a in manifest.files[0].articles] == [1, 2, 3]


def test_files_are_split_at_the_line_limit(tmp_path: Path) -> None:
    texts = [*TEXTS, TEXTS[0] + "\nA fourth.", TEXTS[0] + "\nA fifth."]
    report = prepared(tmp_path, batch_settings(tmp_path, batch_max_lines=2), texts)
    assert [p.name for p in report.files] == ["requests.jsonl", "requests.2.jsonl", "requests.3.jsonl"]
    assert [len(request_lines(p)) for p in report.files] == [2, 2, 1]
    manifest = Manifest.read(report.manifest)
    assert [[a.article_id for a in f.articles] for f in manifest.files] == [
        ["art0", "art1"],
        ["art2", "art3"],
        ["art4"],
    ]


def test_files_are_split_at_the_byte_limit_and_a_line_over_it_is_refused(tmp_path: Path) -> None:
    one = prepared(tmp_path / "one", batch_settings(tmp_path))
    longest = max(len(line) for line in one.files[0].read_bytes().splitlines(keepends=True))
    report = prepared(tmp_path / "split", batch_settings(tmp_path, batch_max_bytes=longest + 10))
    assert len(report.files) == 3
    assert all(p.stat().st_size <= longest + 10 for p in report.files)
    with pytest.raises(BatchError, match="EXTRACTOR_BATCH_MAX_BYTES"):
        prepared(tmp_path / "tiny", batch_settings(tmp_path, batch_max_bytes=100))


def test_bad_inputs_are_named_and_left_out_the_others_are_prepared(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "articles")
    empty = tmp_path / "articles" / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "articles" / "binary.txt"
    binary.write_bytes(b"abc\x00def")
    named: list[str] = []
    report = prepare(
        [*paths, empty, binary, paths[0]],
        tmp_path / "out" / "requests.jsonl",
        batch_settings(tmp_path),
        on_refused=lambda source, error: named.append(source),
    )
    assert named == [str(empty), str(binary), str(paths[0])]
    manifest = Manifest.read(report.manifest)
    assert sorted(manifest.refused) == sorted(named)
    assert "already used" in manifest.refused[str(paths[0])]
    assert report.requests == 3


def test_the_cli_names_refused_files_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = write_articles(tmp_path / "articles")
    empty = tmp_path / "articles" / "empty.txt"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("EXTRACTOR_ENDPOINT_KIND", "openai-compatible")
    out = tmp_path / "requests.jsonl"
    args = [
        "batch",
        "prepare",
        *map(str, [*paths, empty]),
        "-o",
        str(out),
        "--base-url",
        "http://llm.test/v1",
    ]
    result = CliRunner().invoke(main, [*args, "--model", "m", "--prompt", "events.v1"])
    assert result.exit_code == 1
    assert f"failed: {empty}" in result.stderr
    assert len(request_lines(out)) == 3


def test_an_existing_request_file_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "requests.jsonl").write_text("keep me\n", encoding="utf-8")
    with pytest.raises(BatchError, match="already exists"):
        prepared(tmp_path, batch_settings(tmp_path))
    assert (tmp_path / "requests.jsonl").read_text(encoding="utf-8") == "keep me\n"


def test_custom_ids_are_safe_short_and_distinct() -> None:
    assert custom_id_for("art-1") == "art-1"
    assert custom_id_for("art-1", 2) == "art-1.r2"
    unsafe = custom_id_for("a b/c")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", unsafe) and unsafe != custom_id_for("a b c")
    long_ids = {custom_id_for("x" * 100 + str(n)) for n in range(3)}
    assert len(long_ids) == 3 and all(len(i) <= 64 for i in long_ids)


def test_the_file_limits_are_settings_read_from_the_environment() -> None:
    env = {"EXTRACTOR_BATCH_MAX_LINES": "7", "EXTRACTOR_BATCH_MAX_BYTES": "9000"}
    settings = Settings.from_env(env)
    assert (settings.batch.batch_max_lines, settings.batch.batch_max_bytes) == (7, 9000)
    assert (Settings().batch.batch_max_lines, Settings().batch.batch_max_bytes) == (50_000, 200 * 1024 * 1024)
    with pytest.raises(ConfigurationError, match="EXTRACTOR_BATCH_MAX_LINES"):
        Settings(batch_max_lines=0)
    with pytest.raises(ConfigurationError, match="EXTRACTOR_BATCH_MAX_BYTES"):
        Settings(batch_max_bytes=-1)
