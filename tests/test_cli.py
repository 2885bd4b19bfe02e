"""The ``extractor`` command: exit codes, each failing input named on stderr, no session for bad inputs."""

from __future__ import annotations

import json
import os
import signal
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


def _results(stdout: str) -> list[dict[str, Any]]:
    """The result lines (error lines left out)."""
    return [line for line in _jsonl(stdout) if "error" not in line]


def _errors(stdout: str) -> dict[str, dict[str, Any]]:
    """The error lines, by source file."""
    return {line["source"]: line for line in _jsonl(stdout) if "error" in line}


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
    assert _results(result.stdout) == []
    errors = _errors(result.stdout)
    assert list(errors) == [empty, binary, latin1, "missing.txt"]
    assert errors[empty] == {
        "article_id": None,
        "source": empty,
        "error": {"type": "InputError", "message": f"{empty}: is empty or only whitespace"},
    }
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
    lines = _results(result.stdout)
    assert [line["article_id"] for line in lines] == ["good"]
    assert list(_errors(result.stdout)) == [bad]
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
    assert (settings.llm.model, settings.llm.base_url, settings.cache.use_cache) == (
        "m-7b",
        "http://127.0.0.1:1/v1",
        False,
    )


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
    assert [line["article_id"] for line in _results(result.stdout)] == ["good"]
    error = _errors(result.stdout)[rejected]
    assert (error["article_id"], error["error"]["type"]) == ("rejected", "RequestRejectedError")
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
    options = ("--published", "--prompt", "--model", "--base-url", "--no-cache", "--concurrency", "--resume")
    for option in options:
        assert option in result.stdout


# ------------------------------------------------------------------ extract: files that are not articles


def test_an_empty_folder_fifo_device_or_missing_file_is_a_per_file_error_and_the_others_complete(
    fake_llm: FakeSessions,
) -> None:
    Path("folder").mkdir()
    os.mkfifo("pipe.txt")
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", "folder", "pipe.txt", "/dev/zero", "missing.txt", good)
    assert result.exit_code == 1, result.stderr
    assert [line["article_id"] for line in _results(result.stdout)] == ["good"]
    errors = _errors(result.stdout)
    assert list(errors) == ["folder", "pipe.txt", "/dev/zero", "missing.txt"]
    assert all(e["error"]["type"] == "InputError" and e["article_id"] is None for e in errors.values())
    stderr = _one_line(result.stderr)
    assert "failed: folder: is a folder without any *.txt article file" in stderr
    assert "failed: pipe.txt: is a FIFO (named pipe), not a regular file" in stderr
    assert "failed: /dev/zero: is a character device, not a regular file" in stderr
    assert "failed: missing.txt: cannot read: No such file or directory" in stderr
    assert fake_llm.endpoint.request_count == 1


def test_a_utf16_file_with_a_byte_order_mark_is_extracted(fake_llm: FakeSessions) -> None:
    name = _write("wide.txt", ("\ufeff" + GOOD_TEXT).encode("utf-16-le"))
    result = _invoke("extract", name)
    assert result.exit_code == 0, result.stderr
    [line] = _results(result.stdout)
    assert line["events"][0]["evidence"][0]["quote"] == "Rebels attacked an army post near Kidal on Monday"


@pytest.mark.parametrize(
    ("files", "bad", "reason"),
    [
        ({"s.txt": GOOD_TEXT, "s.meta.json": '{"title": 5}'}, "s.txt", "s.meta.json: title must be a string"),
        ({"f.txt": "---\nurl: [a, b]\n---\n" + GOOD_TEXT}, "f.txt", "front matter: url must be a string"),
        (
            {"p.txt": "---\narticle_id: ../p\n---\n" + GOOD_TEXT},
            "p.txt",
            "article_id '../p' is not a safe id",
        ),
    ],
)
def test_metadata_of_the_wrong_type_is_a_per_file_error_before_any_llm_call(
    fake_llm: FakeSessions, files: dict[str, str], bad: str, reason: str
) -> None:
    for name, text in files.items():
        _write(name, text)
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", bad, good)
    assert result.exit_code == 1, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert [line["article_id"] for line in _results(result.stdout)] == ["good"]
    assert reason in _errors(result.stdout)[bad]["error"]["message"]
    assert reason in _one_line(result.stderr)
    assert fake_llm.endpoint.request_count == 1  # the good file only


def test_a_later_file_with_an_article_id_already_used_is_an_error_and_the_first_is_kept(
    fake_llm: FakeSessions,
) -> None:
    first = _write("first.txt", "---\narticle_id: kidal\n---\n" + GOOD_TEXT)
    second = _write("second.txt", "---\narticle_id: kidal\n---\n" + GOOD_TEXT + "Later.\n")
    result = _invoke("extract", first, second, first)
    assert result.exit_code == 1
    assert [line["article_id"] for line in _results(result.stdout)] == ["kidal"]
    errors = _errors(result.stdout)
    assert list(errors) == [second, first]
    assert "article id 'kidal' is already used by first.txt" in errors[second]["error"]["message"]
    assert errors[second]["article_id"] is None  # the id names the first file's line only
    assert fake_llm.endpoint.request_count == 1


# ------------------------------------------------------------------ extract: streamed output, resume


def _in_file_at_each_request(path: str) -> tuple[list[list[str]], Any]:
    """An endpoint answer that first notes which article ids ``path`` already holds."""
    seen: list[list[str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        lines = Path(path).read_text(encoding="utf-8").splitlines() if Path(path).exists() else []
        seen.append([json.loads(line).get("article_id") or json.loads(line)["source"] for line in lines])
        return ok(grounded_answer())

    return seen, answer


def test_each_outcome_is_in_the_output_file_before_the_next_article_is_requested(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen, answer = _in_file_at_each_request("out.jsonl")
    monkeypatch.setattr(cli, "Extractor", FakeSessions(tmp_path, [answer]))
    names = [_write(f"a{i}.txt", GOOD_TEXT + f"Update {i}.\n") for i in range(3)]
    result = _invoke("extract", *names, "empty.txt", "-o", "out.jsonl")
    assert result.exit_code == 1
    assert seen == [["empty.txt"], ["empty.txt", "a0"], ["empty.txt", "a0", "a1"]]
    assert "Extracted events" in result.stdout  # the summary table
    assert "wrote 3 result(s) and 1 error line(s) to out.jsonl" in _one_line(result.stderr)


def test_an_output_file_that_cannot_be_written_is_a_usage_error_before_any_llm_call(
    no_llm: list[Any],
) -> None:
    _write("not-a-folder", "a file")
    good = _write("good.txt", GOOD_TEXT)
    result = _invoke("extract", good, "-o", "not-a-folder/out.jsonl")
    assert result.exit_code == 2
    assert "not-a-folder" in _one_line(result.stderr) and "cannot be written" in _one_line(result.stderr)
    assert "Traceback" not in result.stderr
    assert no_llm == []


def test_an_existing_output_file_is_neither_overwritten_nor_appended_to_without_resume(
    no_llm: list[Any],
) -> None:
    before = '{"article_id": "old", "events": []}\n'
    _write("out.jsonl", before)
    result = _invoke("extract", _write("good.txt", GOOD_TEXT), "-o", "out.jsonl")
    assert result.exit_code == 2
    assert "pass --resume to continue it" in _one_line(result.stderr)
    assert Path("out.jsonl").read_text(encoding="utf-8") == before
    assert no_llm == []


def test_resume_needs_an_output_file(no_llm: list[Any]) -> None:
    result = _invoke("extract", _write("good.txt", GOOD_TEXT), "--resume")
    assert result.exit_code == 2
    assert "-o FILE" in result.stderr


def test_resume_skips_done_articles_retries_errors_and_drops_a_torn_line(fake_llm: FakeSessions) -> None:
    names = [_write(f"{n}.txt", GOOD_TEXT + f"About {n}.\n") for n in ("a", "b", "c")]
    done = _invoke("extract", names[0], "-o", "out.jsonl")
    assert done.exit_code == 0, done.stderr
    kept = Path("out.jsonl").read_text(encoding="utf-8")
    failed = {"article_id": "b", "source": "b.txt", "error": {"type": "ServerError", "message": "503"}}
    with Path("out.jsonl").open("a", encoding="utf-8") as file:
        file.write(json.dumps(failed) + "\n" + kept + '{"article_id": "c", "events": [{"ev')
    result = _invoke("extract", *names, "-o", "out.jsonl", "--resume")
    assert result.exit_code == 0, result.stderr
    text = Path("out.jsonl").read_text(encoding="utf-8")
    assert text.startswith(kept)  # the earlier result, untouched
    assert [line["article_id"] for line in _jsonl(text)] == ["a", "b", "c"]
    assert fake_llm.endpoint.request_count == 1 + 2
    stderr = _one_line(result.stderr)
    assert "resuming out.jsonl: 1 article(s) already done" in stderr
    assert (
        "removed 1 error line(s) (those articles are retried), a torn last line, 1 repeated result(s)"
        in stderr
    )
    assert "skipped 1 article(s) it already had" in stderr


def test_resume_refuses_a_file_with_an_unreadable_line_before_the_last(no_llm: list[Any]) -> None:
    before = '{"article_id": "a", "events": []}\nnot json\n{"article_id": "b", "events": []}\n'
    _write("out.jsonl", before)
    result = _invoke("extract", _write("good.txt", GOOD_TEXT), "-o", "out.jsonl", "--resume")
    assert result.exit_code == 2
    assert "line 2 is not valid JSON" in _one_line(result.stderr)
    assert Path("out.jsonl").read_text(encoding="utf-8") == before
    assert no_llm == []


def test_resume_with_everything_done_starts_no_session(no_llm: list[Any]) -> None:
    _write("out.jsonl", '{"article_id": "good", "events": []}')  # complete, without its newline
    result = _invoke("extract", _write("good.txt", GOOD_TEXT), "-o", "out.jsonl", "--resume")
    assert result.exit_code == 0, result.stderr
    assert Path("out.jsonl").read_text(encoding="utf-8") == '{"article_id": "good", "events": []}\n'
    assert no_llm == []


# ------------------------------------------------------------------ extract: signals (in process)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_stops_the_run_keeps_what_was_written_closes_the_session_and_exits_128_plus_n(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    unhandled: list[object] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if len(sessions.endpoint.recorder.requests) == 2:  # the second article is in flight
            handler = signal.getsignal(sig)
            if callable(handler) and getattr(handler, "__module__", "").startswith("extractor"):
                os.kill(os.getpid(), sig)
            else:  # no handler of ours: signalling would end the test run itself
                unhandled.append(handler)
        return ok(grounded_answer())

    sessions = FakeSessions(tmp_path, [answer])
    closed: list[bool] = []
    monkeypatch.setattr(sessions.endpoint.extractor, "close", lambda: closed.append(True))
    monkeypatch.setattr(cli, "Extractor", sessions)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    names = [_write(f"a{i}.txt", GOOD_TEXT + f"Update {i}.\n") for i in range(4)]
    result = _invoke("extract", *names, "-o", "out.jsonl")
    assert unhandled == []
    assert result.exit_code == code
    written = _jsonl(Path("out.jsonl").read_text(encoding="utf-8"))
    assert [line["article_id"] for line in written][:1] == ["a0"]
    assert sessions.endpoint.request_count == 2  # a2 and a3 were never requested
    assert closed == [True]
    assert f"stopped by {sig.name}: {len(written)} result(s)" in _one_line(result.stderr)
    assert "run the same command with --resume" in _one_line(result.stderr)
    assert {s: signal.getsignal(s) for s in before} == before  # the handlers are the CLI's only while it runs


# ------------------------------------------------------------------ extract: every kind of bad input at once


def test_each_bad_input_gets_one_error_line_and_no_request_while_the_good_ones_complete(
    fake_llm: FakeSessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_MAX_ARTICLE_CHARS", "1000")
    Path("folder").mkdir()
    os.mkfifo("fifo.txt")
    _write("sidecar.meta.json", json.dumps({"url": 5}))
    bad = {
        _write("empty.txt", b""): "is empty or only whitespace",
        _write("blank.txt", b" \n\t\r\n"): "is empty or only whitespace",
        _write("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00"): "contains NUL bytes",
        _write("nul.txt", GOOD_TEXT.encode("utf-16-le")): "without a byte-order mark",
        _write("latin1.txt", "Caf\u00e9 bombing".encode("latin-1")): "is not valid UTF-8 (byte 3)",
        _write("oversize.txt", "word " * 300): "has 1500 characters, over the limit of 1000",
        _write("huge.txt", b"a" * 4005): "4005 bytes is over the size limit of 4004 bytes",
        "fifo.txt": "is a FIFO (named pipe), not a regular file",
        "/dev/zero": "is a character device, not a regular file",
        "folder": "is a folder without any *.txt article file",
        "missing.txt": "cannot read: No such file or directory",
        _write(
            "front.txt", "---\ntitle: {a: 1}\n---\n" + GOOD_TEXT
        ): "front matter: title must be a string, got dict",
        _write("sidecar.txt", GOOD_TEXT): "sidecar.meta.json: url must be a string, got int",
        _write("path-id.txt", "---\narticle_id: ../../etc/x\n---\n" + GOOD_TEXT): "is not a safe id",
        _write("yaml.txt", "---\ntitle: [unclosed\n---\n" + GOOD_TEXT): "invalid front matter",
    }
    good = [
        _write("good.txt", GOOD_TEXT),
        _write("wide.txt", ("\ufeff" + GOOD_TEXT + "Wide.\n").encode("utf-16-be")),  # decoded, not refused
    ]
    result = _invoke("extract", *bad, *good)

    assert result.exit_code == 1
    assert [line["article_id"] for line in _results(result.stdout)] == ["good", "wide"]
    errors = _errors(result.stdout)
    assert list(errors) == list(bad)
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == len(bad)
    for (name, reason), line in zip(bad.items(), failed, strict=True):
        assert line.startswith(f"failed: {name}: ") and reason in line, line  # one line each, never wrapped
        assert reason in errors[name]["error"]["message"]
    bodies = [json.dumps(body) for body in fake_llm.endpoint.recorder.bodies]
    assert len(bodies) == len(good)
    assert "Wide." in bodies[1] and "Wide." not in bodies[0]
