"""``Extractor`` against a fake endpoint: refusals before any call, batches, concurrency, provenance."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

import extractor
from extractor import ArticleResult, InputError, PromptError, api
from extractor.errors import ConfigurationError, RequestRejectedError
from extractor.inputs import Article
from extractor.pipeline import Extractor
from extractor.prompts import load_prompt
from extractor.version import package_version
from schemas.events_v3 import SCHEMA_VERSION
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, grounded_answer, ok

OTHER_ARTICLE = "Protesters marched peacefully through Bamako on Friday, demanding elections, police said."


def _run_many(endpoint: FakeEndpoint, items: list[Any], **kwargs: Any) -> list[Any]:
    async def go() -> list[Any]:
        try:
            return await endpoint.extractor.aextract_many(items, **kwargs)
        finally:
            await endpoint.client.aclose()

    return asyncio.run(go())


# ------------------------------------------------------------------ refusals before any call


@pytest.mark.parametrize("text", ["", "   \n\t ", "Rebels\x00attacked"])
def test_unusable_article_is_refused_before_any_llm_call(fake_endpoint, text: str) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(InputError):
        endpoint.extractor.extract(text, published=PUBLISHED)
    assert endpoint.request_count == 0


def test_article_over_the_size_cap_is_refused_before_any_llm_call(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())], max_article_chars=50)
    with pytest.raises(InputError, match="EXTRACTOR_MAX_ARTICLE_CHARS"):
        endpoint.extractor.extract(ARTICLE)
    assert endpoint.request_count == 0


def test_invalid_published_date_is_refused_before_any_llm_call(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(InputError, match="not-a-date"):
        endpoint.extractor.extract(ARTICLE, published="not-a-date")
    assert endpoint.request_count == 0


def test_bytes_are_a_type_error_not_a_silent_decode(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(TypeError, match="decode_article"):
        endpoint.extractor.extract(ARTICLE.encode("utf-8"))  # type: ignore[arg-type]
    assert endpoint.request_count == 0


def test_unknown_prompt_names_the_known_prompts_and_makes_no_request(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(PromptError) as info:
        endpoint.extractor.extract(ARTICLE, prompt="nope.v9")
    message = str(info.value)
    assert "'nope.v9'" in message
    assert "events.v1" in message and "naive.v1" in message
    assert endpoint.request_count == 0


def test_unknown_version_of_a_known_prompt_is_a_prompt_error(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(PromptError, match=r"events\.v1"):
        endpoint.extractor.extract(ARTICLE, prompt="events.v99")
    assert endpoint.request_count == 0


# ------------------------------------------------------------------ batches


def test_aextract_many_keeps_input_order_and_returns_errors_in_place(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    results = _run_many(endpoint, [ARTICLE, "", ARTICLE])
    assert [type(r) for r in results] == [ArticleResult, InputError, ArticleResult]
    assert endpoint.request_count == 2
    assert all(len(r.events) == 1 for r in results if isinstance(r, ArticleResult))


def test_aextract_many_accepts_articles_and_keeps_their_metadata(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    first = Article(text=ARTICLE, article_id="first", published=dt.date(2023, 3, 15), title="T")
    results = _run_many(endpoint, [first, ARTICLE])
    assert isinstance(results[0], ArticleResult) and isinstance(results[1], ArticleResult)
    assert (results[0].article_id, results[0].published, results[0].title) == ("first", first.published, "T")
    assert results[1].article_id.startswith("sha256-")
    assert results[0].events[0].date.value == "2023-03-13"  # resolved against the given publication date


def test_one_llm_failure_does_not_stop_the_others(fake_endpoint) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "Bamako" in request.content.decode("utf-8"):
            return httpx.Response(400, json={"error": {"message": "bad request"}})
        return ok(grounded_answer())

    endpoint = fake_endpoint([answer])
    results = _run_many(endpoint, [ARTICLE, OTHER_ARTICLE, ARTICLE], concurrency=1)
    assert isinstance(results[0], ArticleResult)
    assert isinstance(results[1], RequestRejectedError) and results[1].status_code == 400
    assert isinstance(results[2], ArticleResult)


def test_concurrency_below_one_is_a_configuration_error(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(ConfigurationError, match="concurrency"):
        _run_many(endpoint, [ARTICLE], concurrency=0)
    assert endpoint.request_count == 0


class _InFlightRecorder(Recorder):
    """Answers after yielding to the event loop, counting how many requests are in flight at once."""

    def __init__(self, script: Any) -> None:
        super().__init__(script)
        self.in_flight = 0
        self.max_in_flight = 0
        self.completed = 0

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            return self._next(request)
        finally:
            self.in_flight -= 1
            self.completed += 1


def test_aextract_many_never_has_more_than_concurrency_requests_in_flight(tmp_path: Path) -> None:
    recorder = _InFlightRecorder([ok(grounded_answer())])
    endpoint = FakeEndpoint(tmp_path, recorder)
    articles = [f"{ARTICLE}\nUpdate {i}." for i in range(5)]
    results = _run_many(endpoint, articles, concurrency=2)
    assert all(isinstance(r, ArticleResult) for r in results)
    assert recorder.completed == 5
    assert recorder.max_in_flight == 2  # bounded, and the bound is actually used


def test_aextract_many_with_concurrency_one_is_sequential(tmp_path: Path) -> None:
    recorder = _InFlightRecorder([ok(grounded_answer())])
    endpoint = FakeEndpoint(tmp_path, recorder)
    results = _run_many(endpoint, [ARTICLE] * 3, concurrency=1)
    assert len(results) == 3
    assert recorder.max_in_flight == 1


# ------------------------------------------------------------------ provenance


def test_provenance_names_everything_needed_to_reproduce_the_result(fake_endpoint) -> None:
    endpoint = fake_endpoint(
        [ok(grounded_answer(), prompt_tokens=120, completion_tokens=30)], temperature=0.25
    )
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a1")
    p = result.provenance
    assert p.prompt_id == "events"
    assert p.prompt_version == 1
    assert p.prompt_sha256 == load_prompt("events.v1").sha256
    assert p.schema_version == SCHEMA_VERSION
    assert p.model == "test-model"
    assert p.endpoint_kind == "llama-cpp-python"
    assert p.temperature == 0.25
    assert p.attempts == 1
    assert (p.usage.prompt_tokens, p.usage.completion_tokens, p.usage.total_tokens) == (120, 30, 150)
    assert p.package_version == package_version() == extractor.__version__
    assert p.cache_hit is False
    assert re.fullmatch(r"[0-9a-f]{64}", p.request_sha256)
    assert p.duration_s >= p.llm_duration_s >= 0


def test_provenance_names_the_prompt_actually_used(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    result = endpoint.extractor.extract(ARTICLE, prompt="naive")
    assert (result.provenance.prompt_id, result.provenance.prompt_version) == ("naive", 1)
    assert result.provenance.prompt_sha256 == load_prompt("naive.v1").sha256
    assert result.provenance.prompt_sha256 != load_prompt("events.v1").sha256


def test_request_hash_is_stable_for_the_same_request_and_changes_with_the_article(tmp_path: Path) -> None:
    def extract_with_new_session(text: str) -> str:
        endpoint = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]))
        return endpoint.extractor.extract(text, published=PUBLISHED).provenance.request_sha256

    first = extract_with_new_session(ARTICLE)
    assert extract_with_new_session(ARTICLE) == first
    assert extract_with_new_session(ARTICLE + "\nUpdated.") != first


def test_sync_and_async_paths_send_the_same_request(tmp_path: Path) -> None:
    sync_endpoint = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]))
    async_endpoint = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]))
    sync_result = sync_endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="x")

    async def go() -> ArticleResult:
        try:
            return await async_endpoint.extractor.aextract(ARTICLE, published=PUBLISHED, article_id="x")
        finally:
            await async_endpoint.client.aclose()

    async_result = asyncio.run(go())
    assert list(sync_endpoint.recorder.bodies) == list(async_endpoint.recorder.bodies)
    assert sync_result.provenance.request_sha256 == async_result.provenance.request_sha256
    assert sync_result.events == async_result.events


def test_extractor_with_an_injected_client_does_not_close_it(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with Extractor(endpoint.settings, client=endpoint.client) as session:
        session.extract(ARTICLE)
    # the caller still owns the client: it can be used again after the session closed
    endpoint.extractor.extract(ARTICLE + " Again.")
    assert endpoint.request_count == 2


# ------------------------------------------------------------------ batch items that are not articles


@pytest.mark.parametrize("bad", [None, b"bytes are not text", 5])
def test_an_item_that_is_not_an_article_is_an_input_error_in_its_place(fake_endpoint, bad: object) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    results = _run_many(endpoint, [ARTICLE, ARTICLE + " One.", ARTICLE + " Two.", bad, ARTICLE + " Three."])
    assert [type(r) for r in results] == [ArticleResult] * 3 + [InputError, ArticleResult]
    assert str(results[3]) == f"item 3: expected str or Article, got {type(bad).__name__}"
    assert endpoint.request_count == 4


def test_extract_many_keeps_every_result_around_an_item_that_is_not_an_article(
    fake_endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    monkeypatch.setattr(api, "Extractor", lambda settings: endpoint.extractor)
    results = extractor.extract_many([ARTICLE, None, ARTICLE + " Again."], concurrency=2)
    assert [type(r) for r in results] == [ArticleResult, InputError, ArticleResult]
    assert str(results[1]) == "item 1: expected str or Article, got NoneType"
    assert endpoint.request_count == 2


def test_extract_many_starts_no_session_when_no_item_is_an_article(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> None:
        pytest.fail("a session (maybe the embedded model) was started for nothing")

    monkeypatch.setattr(api, "Extractor", forbidden)
    results = extractor.extract_many([None, 5])
    assert [str(r) for r in results] == [
        "item 0: expected str or Article, got NoneType",
        "item 1: expected str or Article, got int",
    ]
    assert extractor.extract_many([]) == []


def test_one_str_is_not_taken_for_a_list_of_one_character_articles(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(TypeError, match="not one str"):
        extractor.extract_many(ARTICLE)
    with pytest.raises(TypeError, match="not one str"):
        _run_many(endpoint, ARTICLE)  # type: ignore[arg-type]
    assert endpoint.request_count == 0


def test_a_programming_error_inside_one_article_propagates_out_of_extract_many(
    fake_endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    real = endpoint.extractor.aextract_article

    async def broken_for_bamako(article: Article, *, prompt: str | None = None) -> ArticleResult:
        if "Bamako" in article.text:
            raise TypeError("a bug, not a bad input")
        return await real(article, prompt=prompt)

    monkeypatch.setattr(endpoint.extractor, "aextract_article", broken_for_bamako)
    monkeypatch.setattr(api, "Extractor", lambda settings: endpoint.extractor)
    with pytest.raises(TypeError, match="a bug, not a bad input"):
        extractor.extract_many([ARTICLE, OTHER_ARTICLE, ARTICLE + " Again."], concurrency=1)


def test_on_done_reports_each_outcome_with_its_index_as_it_finishes(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    seen: list[tuple[int, str]] = []
    results = _run_many(
        endpoint,
        [ARTICLE, None, ARTICLE + " Again."],
        concurrency=1,
        on_done=lambda i, outcome: seen.append((i, type(outcome).__name__)),
    )
    assert sorted(seen) == [(0, "ArticleResult"), (1, "InputError"), (2, "ArticleResult")]
    assert [type(r).__name__ for _, r in sorted(enumerate(results))] == [name for _, name in sorted(seen)]


# ------------------------------------------------------------------ metadata checked before any call


@pytest.mark.parametrize(
    "changes",
    [{"title": 5}, {"url": ["https://x"]}, {"article_id": 5}, {"article_id": "../a"}, {"article_id": "a b"}],
)
def test_metadata_of_the_wrong_type_is_refused_before_any_llm_call(
    fake_endpoint, changes: dict[str, Any]
) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    with pytest.raises(InputError):
        endpoint.extractor.extract(ARTICLE, **changes)
    assert endpoint.request_count == 0


def test_a_programming_error_leaves_no_article_running_behind_it(fake_endpoint, monkeypatch) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    real = endpoint.extractor.aextract_article

    async def broken_for_bamako(article: Article, *, prompt: str | None = None) -> ArticleResult:
        if "Bamako" in article.text:
            raise TypeError("a bug, not a bad input")
        return await real(article, prompt=prompt)

    monkeypatch.setattr(endpoint.extractor, "aextract_article", broken_for_bamako)

    async def go() -> list[asyncio.Task[Any]]:
        items = [ARTICLE, OTHER_ARTICLE, *(f"{ARTICLE} Update {i}." for i in range(4))]
        try:
            with pytest.raises(TypeError):
                await endpoint.extractor.aextract_many(items, concurrency=1)
            return [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        finally:
            await endpoint.client.aclose()

    assert asyncio.run(go()) == []
