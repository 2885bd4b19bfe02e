"""Recorded exchanges with the real embedded model (SmolLM2-135M-Instruct via llama.cpp's server).

Replayed offline by `make test` (`--record-mode=none --block-network`); re-recorded by
`make record-tests` (`--record-mode=rewrite -m "llm and not replay_only"`), which starts the model.
The assertions are invariants of the pipeline, not the model's (mostly wrong) answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evals.recording import FILTER_HEADERS, SCRUBBED_RESPONSE_HEADERS, missing_recording
from extractor.errors import RecordingMissingError
from extractor.grounding import fold
from extractor.inputs import load_article
from extractor.pipeline import Extractor
from extractor.prompts import load_prompt
from extractor.settings import Settings

ARTICLES = Path(__file__).parent.parent / "evals" / "articles"
CASSETTES = Path(__file__).parent / "cassettes"
SHARED = "test_recorded_extraction_is_grounded_at_its_offsets.yaml"
#: The default prompt: the one whose records survive grounding on the embedded model, so the
#: loops below run over kept events (asserted), not over nothing.
PROMPT = "events.v4"


def _article(name: str):  # type: ignore[no-untyped-def]
    return load_article(ARTICLES / name, max_chars=200_000)


@pytest.mark.llm
@pytest.mark.vcr
def test_recorded_extraction_is_grounded_at_its_offsets(recorded_settings: Settings) -> None:
    article = _article("002_972ec0f8efcd389c.txt")
    with Extractor(recorded_settings) as session:
        result = session.extract_article(article, prompt=PROMPT)
    assert len(result.events) >= 1, "the recording keeps no event: the checks below would be vacuous"
    for event in result.events:
        for span in [*event.evidence, *(c.quote for c in event.casualties)]:
            assert fold(article.text[span.start : span.end]) == fold(span.quote)
        assert event.fatalities == min(
            (c.count for c in event.casualties if c.kind == "killed"), default=None
        )
    d = result.diagnostics
    assert d.events_kept == len(result.events)
    assert d.events_returned == d.events_kept + len(d.dropped)
    assert result.provenance.model == "smollm2-135m-instruct"
    assert result.provenance.adjudicated is True
    assert result.provenance.endpoint_kind == "llama-cpp-python"
    assert result.provenance.prompt_sha256 == load_prompt(PROMPT).sha256
    assert 1 <= result.provenance.attempts <= recorded_settings.llm.reasks + 1
    assert result.provenance.usage.total_tokens > 0


@pytest.mark.llm
@pytest.mark.vcr
def test_recorded_async_extraction_matches_the_same_pipeline(recorded_settings: Settings) -> None:
    import asyncio

    article = _article("003_9324dd8dc375645c.txt")

    async def go():  # type: ignore[no-untyped-def]
        session = Extractor(recorded_settings).start()
        try:
            return await session.aextract_article(article, prompt=PROMPT)
        finally:
            await session.client.aclose()
            session.close()

    result = asyncio.run(go())
    assert result.article_id == article.article_id
    assert result.diagnostics.events_returned == result.diagnostics.events_kept + len(
        result.diagnostics.dropped
    )
    assert len(result.events) >= 1, "the recording keeps no event: the loop below would be vacuous"
    for event in result.events:
        for span in event.evidence:
            assert fold(article.text[span.start : span.end]) == fold(span.quote)


@pytest.mark.llm
@pytest.mark.replay_only
@pytest.mark.default_cassette(SHARED)
@pytest.mark.vcr
@pytest.mark.parametrize("change", ["prompt", "model", "article"])
def test_a_changed_request_fails_replay_loudly(recorded_settings: Settings, change: str) -> None:
    article = _article("002_972ec0f8efcd389c.txt")
    prompt = PROMPT
    settings = recorded_settings
    if change == "prompt":
        prompt = "events.v3"
    elif change == "model":
        settings = settings.replace(model="another-model")
    else:
        article = _article("001_1efd9bbacad779dd.txt")
    with (
        Extractor(settings) as session,
        pytest.raises(RecordingMissingError, match="re-record"),
        missing_recording(),
    ):
        session.extract_article(article, prompt=prompt)


#: Every header recording must strip (request and response), from the one definition in evals.recording.
_HEADERS = sorted({*FILTER_HEADERS, *SCRUBBED_RESPONSE_HEADERS} - {"user-agent"} | {"cookie"})
SECRET_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_-]{16,}"),
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._-]{8,}"),
    re.compile(r"(?im)^\s*-?\s*(" + "|".join(re.escape(h) for h in _HEADERS) + r"):"),
]


def _recordings() -> list[Path]:
    roots = [CASSETTES, ARTICLES.parent / "recordings"]
    return sorted(p for root in roots for p in root.rglob("*.yaml"))


def test_recordings_exist_for_replay() -> None:
    files = _recordings()
    assert any(p.is_relative_to(CASSETTES) for p in files), "no test cassettes: run `make record`"
    assert any(not p.is_relative_to(CASSETTES) for p in files), "no eval recordings: run `make record`"


@pytest.mark.parametrize("path", _recordings(), ids=lambda p: str(p.relative_to(ARTICLES.parent.parent)))
def test_no_recording_holds_a_secret_or_account_header(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(text), f"{path} matches {pattern.pattern}"


@pytest.mark.parametrize("header", _HEADERS)
def test_the_secret_scan_catches_each_header_and_keys(header: str) -> None:
    leaked = f"interactions:\n- request:\n    headers:\n      {header.title()}:\n      - value\n"
    assert any(p.search(leaked) for p in SECRET_PATTERNS)
    assert any(p.search("Authorization: Bearer " + "x" * 16) for p in SECRET_PATTERNS)
    assert any(p.search("key sk-" + "a" * 20) for p in SECRET_PATTERNS)
    assert not any(
        p.search("headers:\n      content-type:\n      - application/json\n") for p in SECRET_PATTERNS
    )
