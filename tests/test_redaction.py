"""Secrets never echoed: keys, bearer tokens and URL credentials are redacted from every
``ExtractorError`` message and every log line, including text that comes back from a server."""

from __future__ import annotations

import html
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from extractor.errors import AuthenticationError, ExtractorError, LLMError
from extractor.redact import REDACTED, library_logger, redact
from extractor.settings import Settings
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, fake_llm_server

EXTRACTOR = Path(sys.executable).parent / "extractor"
SECRET = "sk-proj-" + "Q7" * 20


def _echo_401(request: httpx.Request) -> httpx.Response:
    key = request.headers["authorization"].removeprefix("Bearer ")
    return httpx.Response(401, json={"error": {"message": f"Incorrect API key provided: {key}"}})


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Incorrect API key provided: sk-abcdef123456XYZ.", "sk-abcdef123456XYZ"),
        ("authorization: Bearer " + "tok_9f8e" + "7d6c5b", "tok_9f8e7d6c5b"),
        ("cannot reach https://alice:hunter22@llm.example/v1", "hunter22"),
        ("query had api_key=abcd1234efgh", "abcd1234efgh"),
    ],
)
def test_credential_shapes_are_redacted(text: str, hidden: str) -> None:
    cleaned = redact(text)
    assert hidden not in cleaned
    assert REDACTED in cleaned


def test_a_configured_key_of_any_shape_is_redacted_once_settings_hold_it() -> None:
    key = "plainkey-" + "z" * 12  # does not look like sk-...: only knowing it finds it
    assert key in redact(f"server said {key}")
    Settings(base_url="http://llm.test/v1", model="m", api_key=key)
    assert redact(f"server said {key}") == f"server said {REDACTED}"


def test_ordinary_text_is_left_alone() -> None:
    text = "the endpoint http://127.0.0.1:8080/v1 refused the credentials (401): check OPENAI_API_KEY"
    assert redact(text) == text


def test_every_extractor_error_message_is_redacted() -> None:
    assert SECRET not in str(ExtractorError(f"echo {SECRET}"))
    error = LLMError(f"failed: {SECRET}", attempts=2)
    assert SECRET not in str(error) and error.attempts == 2


def test_a_key_echoed_in_a_401_body_reaches_neither_the_error_nor_a_log_line(
    fake_endpoint: Callable[..., FakeEndpoint], caplog: pytest.LogCaptureFixture
) -> None:
    endpoint = fake_endpoint([_echo_401], api_key=SECRET, endpoint_kind="openai-compatible")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as info:
        endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    assert "Incorrect API key provided" in str(info.value)  # the server's words are kept...
    assert SECRET not in str(info.value)  # ...without the key
    assert endpoint.recorder.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    library_lines = [r for r in caplog.records if r.name.startswith("extractor")]
    assert library_lines
    assert all(SECRET not in r.getMessage() for r in library_lines)


def test_library_loggers_redact_what_they_are_given(caplog: pytest.LogCaptureFixture) -> None:
    logger = library_logger("extractor.llm")
    with caplog.at_level(logging.INFO, logger="extractor.llm"):
        logger.info("server answered %s", f"Bearer {SECRET}")
        try:
            raise RuntimeError(f"boom {SECRET}")
        except RuntimeError:
            logger.exception("call failed")
    assert [r.getMessage() for r in caplog.records] == [f"server answered Bearer {REDACTED}", "call failed"]
    assert SECRET not in caplog.text
    assert "boom" in caplog.text


def test_a_loaded_library_module_logger_has_the_filter() -> None:
    import extractor.llm.local_model  # noqa: F401

    for name in ("extractor.llm", "extractor.llm.local_model"):
        assert any(type(f).__name__ == "RedactingFilter" for f in logging.getLogger(name).filters)


@pytest.fixture
def rejecting_endpoint() -> Iterator[str]:
    with fake_llm_server("--reject-auth") as url:
        yield url


def test_the_cli_under_vv_never_prints_the_key(rejecting_endpoint: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env.update(OPENAI_API_KEY=SECRET, EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"))
    url = rejecting_endpoint.replace("http://", "http://bob:pa55word99@")
    run = subprocess.run(
        [str(EXTRACTOR), "-vv", "extract", "a.txt", "--base-url", url, "--model", "fake", "--no-cache"],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "Incorrect API key provided" in run.stderr  # the server's message is shown...
    assert "DEBUG" in run.stderr  # ...with the debug lines of every library
    assert SECRET not in run.stderr and SECRET not in run.stdout  # ...never the key
    assert "pa55word99" not in run.stderr and "pa55word99" not in run.stdout


# ------------------------------------------------------------------ a key in every escaped form
#: A key with a backslash and both quote kinds: JSON, repr and URL encoding each write it differently.
# The parts looked for are long enough not to turn up by chance in a path, a port or a temp
# folder's random name (a 3-character part once matched the name of the folder a clone was in).
ODD_KEY = "Kq7headQx\\secret\"mid'tail99zzW"
ODD_PARTS = ("Kq7headQx", "tail99zzW")


def _leaks(text: str) -> list[str]:
    return [part for part in ODD_PARTS if part in text]


def _odd_forms() -> dict[str, str]:
    return {
        "raw": ODD_KEY,
        "json": json.dumps(ODD_KEY),
        "json, \\u escapes": json.dumps(ODD_KEY + "\u00e9"),
        "json in json": json.dumps(json.dumps(ODD_KEY)),
        "repr": repr(ODD_KEY),
        "repr of a parsed body": str({"error": {"message": f"bad key {ODD_KEY}"}}),
        "url": quote(ODD_KEY, safe=""),
        "url, plus": quote_plus(ODD_KEY),
        "url, lower case": quote(ODD_KEY, safe="").lower(),
        "html": html.escape(ODD_KEY),
    }


@pytest.mark.parametrize("form", list(_odd_forms()))
def test_every_escaped_form_of_a_configured_key_is_redacted(form: str) -> None:
    Settings(base_url="http://llm.test/v1", model="m", api_key=ODD_KEY)
    echoed = f"the server said: {_odd_forms()[form]} (status 401)"
    cleaned = redact(echoed)
    assert _leaks(cleaned) == [] and REDACTED in cleaned
    assert cleaned.startswith("the server said: ") and cleaned.endswith(" (status 401)")


def _echo_every_form(request: httpx.Request) -> httpx.Response:
    key = request.headers["authorization"].removeprefix("Bearer ")
    body = {"detail": {"raw": key, "json": json.dumps(key), "url": quote(key, safe="")}}  # not OpenAI's shape
    return httpx.Response(401, json=body)


def test_a_key_echoed_escaped_in_a_401_body_reaches_neither_the_error_nor_a_log_line(
    fake_endpoint: Callable[..., FakeEndpoint], caplog: pytest.LogCaptureFixture
) -> None:
    endpoint = fake_endpoint([_echo_every_form], api_key=ODD_KEY, endpoint_kind="openai-compatible")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as info:
        endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    assert "detail" in str(info.value)  # the server's words are kept...
    assert _leaks(str(info.value)) == []  # ...without any form of the key
    library_lines = [r.getMessage() for r in caplog.records if r.name.startswith("extractor")]
    assert library_lines and [line for line in library_lines if _leaks(line)] == []


def test_the_cli_under_vv_never_prints_an_escaped_key(rejecting_endpoint: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env.update(OPENAI_API_KEY=ODD_KEY, EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"))
    run = subprocess.run(
        [str(EXTRACTOR), "-vv", "extract", "a.txt", "--base-url", rejecting_endpoint, "--model", "fake",
         "--no-cache", "-o", "out.jsonl"],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert run.returncode == 1
    assert "Incorrect API key provided" in written and "DEBUG" in run.stderr
    assert _leaks(run.stderr) == [] and _leaks(run.stdout) == [] and _leaks(written) == []


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_a_job_result_stored_by_the_service_holds_no_form_of_the_key(tmp_path: Path) -> None:
    import asyncio

    from tests.service_fakes import ndjson, running, service_app

    app, _ = service_app(
        tmp_path, handler=_echo_every_form, api_key=ODD_KEY, endpoint_kind="openai-compatible"
    )

    async def go() -> tuple[list[dict[str, object]], httpx.Response]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=[ARTICLE])).json()["id"]
            lines = ndjson(await client.get(f"/v1/jobs/{job}/results"))
            return lines, await client.post("/v1/extract", json={"text": ARTICLE})

    lines, direct = asyncio.run(go())
    assert lines[0]["error"]["type"] == "AuthenticationError"  # type: ignore[index]
    assert _leaks(json.dumps(lines)) == [] and _leaks(direct.text) == []
    stored = b"".join(path.read_bytes() for path in (tmp_path / "data").rglob("*") if path.is_file())
    assert stored and [part for part in ODD_PARTS if part.encode() in stored] == []


def test_an_answer_quoting_the_key_leaves_no_form_of_it_in_the_diagnostics(
    fake_endpoint: Callable[..., FakeEndpoint],
) -> None:
    from tests.fakes import ok

    answer = json.dumps({"events": [{"event_type": f"Attack {ODD_KEY}", "evidence": [ODD_KEY * 30]}]})
    endpoint = fake_endpoint([ok(answer)], api_key=ODD_KEY, reasks=1)
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    assert result.diagnostics.validation_errors  # the answers were refused and said why...
    assert _leaks(result.model_dump_json()) == []  # ...without the key, even where it was cut


def test_batch_run_writes_no_form_of_an_echoed_key(tmp_path: Path) -> None:
    from extractor.batch import run_requests
    from tests.batch_fakes import batch_settings, prepared

    settings = batch_settings(tmp_path, api_key=ODD_KEY)
    prepared(tmp_path, settings)

    async def answer(request: httpx.Request) -> httpx.Response:
        return _echo_every_form(request)

    run_requests(
        tmp_path / "requests.jsonl",
        tmp_path / "output.jsonl",
        settings,
        base_url="http://llm.test/v1",
        transport=httpx.MockTransport(answer),
    )
    written = (tmp_path / "output.jsonl").read_text(encoding="utf-8")
    assert '"status_code": 401' in written and _leaks(written) == []
    assert all(json.loads(line) for line in written.splitlines())  # still JSON after redaction
