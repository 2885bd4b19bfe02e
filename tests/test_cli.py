"""The ``extractor`` command: exit codes, each failing input named on stderr, no session for bad inputs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from extractor import cli
from extractor.prompts import load_prompt
from extractor.settings import Settings
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, Recorder, grounded_answer, ok

GOOD_TEXT = ARTICLE + "\n"
OTHER_TEXT = "Protesters marched peacefully through Bamako on Friday, demanding elections, police said.\n"

_VARIABLES = (
    "EXTRACTOR_BASE_URL",
    "OPENAI_API_KEY",
    "EXTRACTOR_MODEL",
    "EXTRACTOR_ENDPOINT_KIND",
    "EXTRACTOR_PROMPT",
    "EXTRACTOR_TEMPERATURE",
    "EXTRACTOR_MAX_TOKENS",
    "EXTRACTOR_TIMEOUT",
    "EXTRACTOR_HTTP_RETRIES",
    "EXTRACTOR_REASKS",
    "EXTRACTOR_CACHE_DIR",
    "EXTRACTOR_NO_CACHE",
    "EXTRACTOR_LOCAL_MODEL",
    "EXTRACTOR_MAX_ARTICLE_CHARS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No EXTRACTOR_* from the developer's shell; files live in a private working directory."""
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # short relative file names keep stderr lines unwrapped
    yield workdir


@pytest.fixture
def no_llm(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replace the CLI's Extractor with one that records (and fails) any attempt to start a session."""
    attempts: list[Any] = []

    class Forbidden:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            attempts.append((args, kwargs))
            pytest.fail("an LLM session was started although no input could be processed")

    monkeypatch.setattr(cli, "Extractor", Forbidden)
    return attempts


class FakeSessions:
    """Stands in for ``extractor.cli.Extractor``: hands out an Extractor wired to a FakeEndpoint."""

    def __init__(self, tmp_path: Path, script: list[Any]) -> None:
        self.endpoint = FakeEndpoint(tmp_path, Recorder(script))
        self.settings_seen: list[Settings] = []

    def __call__(self, settings: Settings) -> Any:
        self.settings_seen.append(settings)
        return self.endpoint.extractor


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeSessions:
    sessions = FakeSessions(tmp_path, [ok(grounded_answer())])
    monkeypatch.setattr(cli, "Extractor", sessions)
    return sessions


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args))


def _one_line(text: str) -> str:
    """Rich wraps long stderr lines at the console width; compare with whitespace runs folded."""
    return " ".join(text.split())


def _jsonl(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _write(name: str, data: bytes | str) -> str:
    path = Path(name)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return name


# ------------------------------------------------------------------ extract: bad inputs


def test_every_bad_input_is_named_with_its_reason_and_no_session_is_started(no_llm: list[Any]) -> None:
    empty = _write("empty.txt", b"")
    binary = _write("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00")
    latin1 = _write("latin1.txt", "Caf\u00e9 bombing".encode("latin-1"))
    result = _invoke("extract", empty, binary, latin1, "missing.txt")
    assert result.exit_code == 1
    assert no_llm == []
    assert result.stdout == ""
    stderr = _one_line(result.stderr)
    assert f"{empty}: is empty or only whitespace" in stderr
    assert f"{binary}: contains NUL bytes" in stderr
    assert f"{latin1}: is not valid UTF-8" in stderr
    assert "missing.txt: cannot read" in stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("data", [b"", b" \n\n\t", b"abc\x00def", b"\xc3\x28 invalid"])
def test_a_single_bad_file_exits_1_without_a_session(no_llm: list[Any], data: bytes) -> None:
    name = _write("article.txt", data)
    result = _invoke("extract", name)
    assert result.exit_code == 1
    assert no_llm == []
    assert f"failed: {name}" in _one_line(result.stderr)


def test_a_bad_file_name_with_square_brackets_is_reported_verbatim(no_llm: list[Any]) -> None:
    name = _write("draft[old].txt", b"")
    result = _invoke("extract", name)
    assert result.exit_code == 1
    assert name in _one_line(result.stderr)


def test_an_impossible_front_matter_date_is_reported_not_a_crash(no_llm: list[Any]) -> None:
    name = _write("feb30.txt", "---\npublished: 2020-02-30\n---\n" + GOOD_TEXT)
    result = _invoke("extract", name)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"failed: {name}" in _one_line(result.stderr)
    assert no_llm == []


# ------------------------------------------------------------------ extract: good and mixed inputs


def test_one_bad_and_one_good_file_prints_the_good_line_and_names_the_bad_file(
    fake_llm: FakeSessions,
) -> None:
    bad = _write("bad.txt", b"\x00\x01\x02")
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", bad, good)
    assert result.exit_code == 1
    lines = _jsonl(result.stdout)
    assert [line["article_id"] for line in lines] == ["good"]
    assert len(lines[0]["events"]) == 1
    stderr = _one_line(result.stderr)
    assert f"failed: {bad}" in stderr and "NUL bytes" in stderr
    assert good not in stderr
    assert fake_llm.endpoint.request_count == 1


def test_all_good_files_exit_0_with_one_line_each_in_input_order(fake_llm: FakeSessions) -> None:
    first = _write("first.txt", GOOD_TEXT)
    second = _write("second.txt", GOOD_TEXT + "The army later retook the post.\n")
    result = _invoke("extract", second, first)
    assert result.exit_code == 0, result.stderr
    assert [line["article_id"] for line in _jsonl(result.stdout)] == ["second", "first"]
    assert "failed" not in result.stderr
    assert fake_llm.endpoint.request_count == 2


def test_published_option_is_used_for_every_file(fake_llm: FakeSessions) -> None:
    good = _write("good.txt", GOOD_TEXT)
    _write("good.meta.json", json.dumps({"published": "2001-01-01"}))
    result = _invoke("extract", "--published", "2023-03-15", good)
    assert result.exit_code == 0, result.stderr
    [line] = _jsonl(result.stdout)
    assert line["published"] == "2023-03-15"
    assert line["events"][0]["date"]["value"] == "2023-03-13"  # "Monday" before Wednesday 15 March


def test_output_option_writes_jsonl_to_the_file(fake_llm: FakeSessions) -> None:
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", good, "-o", "out/results.jsonl")
    assert result.exit_code == 0, result.stderr
    written = _jsonl(Path("out/results.jsonl").read_text(encoding="utf-8"))
    assert [line["article_id"] for line in written] == ["good"]
    assert "wrote 1 result(s)" in _one_line(result.stderr)


def test_cli_options_reach_the_session_settings(fake_llm: FakeSessions) -> None:
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", "--model", "m-7b", "--base-url", "http://127.0.0.1:1/v1", "--no-cache", good)
    assert result.exit_code == 0, result.stderr
    [settings] = fake_llm.settings_seen
    assert (settings.model, settings.base_url, settings.use_cache) == ("m-7b", "http://127.0.0.1:1/v1", False)


def test_an_llm_failure_for_one_file_names_it_and_keeps_the_others(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "Bamako" in request.content.decode("utf-8"):
            return httpx.Response(400, json={"error": {"message": "context length exceeded"}})
        return ok(grounded_answer())

    monkeypatch.setattr(cli, "Extractor", FakeSessions(tmp_path, [answer]))
    good = _write("good.txt", GOOD_TEXT)
    rejected = _write("rejected.txt", OTHER_TEXT)
    result = _invoke("extract", good, rejected)
    assert result.exit_code == 1
    assert [line["article_id"] for line in _jsonl(result.stdout)] == ["good"]
    stderr = _one_line(result.stderr)
    assert f"failed: {rejected}: RequestRejectedError" in stderr
    assert "context length exceeded" in stderr


def test_an_llm_error_message_with_square_brackets_is_reported_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reply = httpx.Response(400, json={"error": {"message": "unexpected token [/INST] in prompt"}})
    monkeypatch.setattr(cli, "Extractor", FakeSessions(tmp_path, [reply]))
    name = _write("article.txt", GOOD_TEXT)
    result = _invoke("extract", name)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    stderr = _one_line(result.stderr)
    assert f"failed: {name}: RequestRejectedError" in stderr
    assert "[/INST]" in stderr


# ------------------------------------------------------------------ extract: usage errors


def test_an_invalid_published_date_is_a_usage_error(no_llm: list[Any]) -> None:
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", "--published", "not-a-date", good)
    assert result.exit_code == 2
    assert "--published" in result.stderr
    assert "not-a-date" in result.stderr
    assert no_llm == []


def test_a_missing_file_argument_is_a_usage_error(no_llm: list[Any]) -> None:
    result = _invoke("extract")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr
    assert no_llm == []


def test_an_invalid_environment_setting_is_a_usage_error(
    no_llm: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_MAX_TOKENS", "lots")
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", good)
    assert result.exit_code == 2
    assert "EXTRACTOR_MAX_TOKENS" in result.stderr
    assert no_llm == []


# ------------------------------------------------------------------ prompts, help


def test_prompts_list_lists_the_released_prompts() -> None:
    result = _invoke("prompts", "list")
    assert result.exit_code == 0, result.stderr
    assert "events.v1" in result.stdout
    assert "naive.v1" in result.stdout
    assert load_prompt("events.v1").sha256[:12] in result.stdout


def test_prompts_show_prints_the_system_template() -> None:
    spec = load_prompt("events.v1")
    result = _invoke("prompts", "show", "events.v1")
    assert result.exit_code == 0, result.stderr
    assert spec.system in result.stdout
    assert spec.user in result.stdout
    assert spec.sha256 in result.stdout


def test_prompts_show_renders_for_an_article() -> None:
    name = _write("kidal.txt", "---\npublished: 2023-03-15\n---\n" + GOOD_TEXT)
    result = _invoke("prompts", "show", "events.v1", "--article", name)
    assert result.exit_code == 0, result.stderr
    assert "### system" in result.stdout
    assert "Rebels attacked an army post near Kidal on Monday" in result.stdout
    assert "published: 2023-03-15" not in result.stdout  # front matter is metadata, not article text


def test_prompts_show_an_unknown_prompt_exits_1_naming_the_known_prompts() -> None:
    result = _invoke("prompts", "show", "nope")
    assert result.exit_code == 1
    stderr = _one_line(result.stderr)
    assert "'nope'" in stderr
    assert "events.v1" in stderr and "naive.v1" in stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_works(flag: str) -> None:
    result = _invoke(flag)
    assert result.exit_code == 0
    for command in ("extract", "prompts", "eval", "model"):
        assert command in result.stdout


def test_extract_help_documents_the_options() -> None:
    result = _invoke("extract", "--help")
    assert result.exit_code == 0
    for option in ("--published", "--prompt", "--model", "--base-url", "--no-cache", "--concurrency"):
        assert option in result.stdout
