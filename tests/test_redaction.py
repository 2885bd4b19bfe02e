"""Secrets never echoed: keys, bearer tokens and URL credentials are redacted from every
``ExtractorError`` message and every log line, including text that comes back from a server."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

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
