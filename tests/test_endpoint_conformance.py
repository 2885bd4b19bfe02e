"""The conformance matrix: every released prompt x every endpoint kind, checked against OpenAI's API.

Prompts are read from prompts/RELEASED.json and kinds from ``extractor.endpoints.PROFILES`` when
the tests are collected, so a new prompt or kind is in the matrix without a new test. Each cell
runs the real pipeline — the ``openai`` client and ``instructor`` over HTTP — against
``scripts/fake_llm.py`` on loopback, which checks every request body against OpenAI's published
description (``tests/openai_spec.py``: ``CreateChatCompletionRequest``, names, strict rules),
answers the way each kind is answered (a tool call, or JSON content) with answers that are
themselves checked as ``CreateChatCompletionResponse``, and the result must be grounded records
(every span the article's own words at its offsets) or the typed error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor.endpoints import PROFILES, StructuredOutput
from extractor.errors import LLMOutputError, TruncatedOutputError
from extractor.pipeline import Extractor
from extractor.settings import Settings
from schemas.events_v3 import ArticleResult
from tests.fakes import ARTICLE, PUBLISHED, stand_in_server
from tests.openai_spec import chat_request_problems, chat_response_problems, spec_path

#: The stand-in server listens on loopback, which ``--block-network`` otherwise blocks too.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

RELEASED = sorted(json.loads((Path(__file__).parent.parent / "prompts" / "RELEASED.json").read_text()))
KINDS = sorted(PROFILES)
#: A key that looks like a real one: the ``openai`` kind refuses to run without one.
KEY = "sk-conformance-" + "x" * 24


@pytest.fixture(scope="module", autouse=True)
def openai_description() -> Path:
    """Fails every test of the module, naming where it looked, when the description is missing."""
    return spec_path()


def settings_for(kind: str, base_url: str, tmp_path: Path, **changes: Any) -> Settings:
    """What a user pointing ``extractor`` at ``base_url`` as ``kind`` has (adjudication ``auto``)."""
    return Settings(
        base_url=base_url,
        endpoint_kind=kind,
        model="gpt-4o-mini",
        api_key=KEY,
        use_cache=False,
        cache_dir=tmp_path / "cache",
        http_retries=0,
        timeout_s=60.0,
    ).replace(**changes)


def conforming(**options: Any) -> Any:
    """The stand-in server, judging every request and answer by OpenAI's description."""
    return stand_in_server(
        check_request=chat_request_problems, check_response=chat_response_problems, **options
    )


def assert_grounded(result: ArticleResult, text: str = ARTICLE) -> None:
    """Records, each string of which is ``text``'s own words at its offsets."""
    assert result.events, result.diagnostics
    for event in result.events:
        spans = [*event.evidence, event.actor1, event.actor2, event.date.text]
        spans += [loc.place for loc in event.locations] + [loc.country for loc in event.locations]
        spans += [c.quote for c in event.casualties] + [c.claimed_by for c in event.casualties]
        for span in spans:
            if span is not None and span.alignment == "exact":
                assert text[span.start : span.end] == span.quote
            elif span is not None:
                assert span.start < span.end <= len(text)


def assert_shape(body: dict[str, Any], kind: str) -> None:
    """The request asks for structured output the way ``kind``'s profile says."""
    match PROFILES[kind].structured_output:
        case StructuredOutput.TOOLS:
            assert body["tools"][0]["type"] == "function"
            assert body["tool_choice"]["function"]["name"] == body["tools"][0]["function"]["name"]
            assert "response_format" not in body
        case StructuredOutput.JSON_SCHEMA:
            assert body["response_format"]["type"] == "json_schema"
            assert "tools" not in body
        case StructuredOutput.JSON_OBJECT_SCHEMA:
            assert body["response_format"]["type"] == "json_object"
            assert body["response_format"]["schema"]["properties"]
    assert ("seed" in body) is PROFILES[kind].sends_seed


def test_the_matrix_covers_every_released_prompt_and_every_kind() -> None:
    assert len(RELEASED) >= 6 and "events.v5" in RELEASED
    assert KINDS == ["llama-cpp-python", "openai", "openai-compatible"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prompt", RELEASED)
def test_a_released_prompt_returns_grounded_records_through_a_conforming_request(
    prompt: str, kind: str, tmp_path: Path
) -> None:
    with conforming() as server, Extractor(settings_for(kind, server.base_url, tmp_path)) as session:
        result = session.extract(ARTICLE, published=PUBLISHED, prompt=prompt)
    assert server.seen.problems == []
    assert len(server.seen.requests) == 1
    assert_shape(server.seen.requests[0], kind)
    assert_grounded(result)
    assert result.diagnostics.validation_errors == []
    assert result.provenance.endpoint_kind == kind
    assert result.provenance.adjudicated is True  # the answer shaped the events


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prompt", RELEASED)
def test_an_answer_with_invalid_json_is_reasked_conformingly_and_the_second_answer_kept(
    prompt: str, kind: str, tmp_path: Path
) -> None:
    with (
        conforming(script=["bad-json"]) as server,
        Extractor(settings_for(kind, server.base_url, tmp_path)) as session,
    ):
        result = session.extract(ARTICLE, published=PUBLISHED, prompt=prompt)
    assert server.seen.problems == []  # the re-ask (the bad answer and why, appended) conforms too
    assert len(server.seen.requests) == 2
    assert len(server.seen.requests[1]["messages"]) > len(server.seen.requests[0]["messages"])
    assert_grounded(result)
    assert result.provenance.attempts == 2


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prompt", RELEASED)
@pytest.mark.parametrize(
    "case",
    [
        ("refusal", LLMOutputError, "refused"),
        ("no-choices", LLMOutputError, "no choices"),
        ("length", TruncatedOutputError, "cut"),
    ],
    ids=lambda case: case[0],
)
def test_an_answer_without_a_usable_answer_is_the_typed_error(
    case: tuple[str, type[Exception], str], prompt: str, kind: str, tmp_path: Path
) -> None:
    fault, error, says = case
    with (
        conforming(script=[fault] * 5) as server,
        Extractor(settings_for(kind, server.base_url, tmp_path)) as session,
        pytest.raises(error, match=says),
    ):
        session.extract(ARTICLE, published=PUBLISHED, prompt=prompt)
    assert server.seen.problems == []
    assert len(server.seen.requests) == 1  # nothing to re-ask: a refusal or a cut answer is final
