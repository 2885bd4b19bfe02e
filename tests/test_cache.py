"""The on-disk response cache: identical requests are answered from disk, anything else goes to the LLM."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import diskcache
import httpx
import pytest

from extractor.errors import ServerError
from extractor.llm.cache import DataDisk
from schemas.events_v3 import ArticleResult
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, grounded_answer, ok, ungrounded_answer


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[diskcache.Cache]:
    with diskcache.Cache(str(tmp_path / "responses"), disk=DataDisk) as opened:
        yield opened


def _endpoint(
    tmp_path: Path, cache: diskcache.Cache, answer: str | None = None, use_cache: bool = True
) -> FakeEndpoint:
    return FakeEndpoint(
        tmp_path, Recorder([ok(answer or grounded_answer())]), cache=cache, use_cache=use_cache
    )


def _extract(endpoint: FakeEndpoint, text: str = ARTICLE, prompt: str | None = None) -> ArticleResult:
    return endpoint.extractor.extract(text, published=PUBLISHED, article_id="a", prompt=prompt)


def test_second_identical_extract_is_answered_from_the_cache(tmp_path: Path, cache: diskcache.Cache) -> None:
    endpoint = _endpoint(tmp_path, cache)
    first = _extract(endpoint)
    second = _extract(endpoint)
    assert endpoint.request_count == 1
    assert first.provenance.cache_hit is False
    assert second.provenance.cache_hit is True
    assert second.events == first.events
    assert len(second.events) == 1
    assert second.diagnostics == first.diagnostics
    assert second.provenance.request_sha256 == first.provenance.request_sha256
    assert second.provenance.attempts == first.provenance.attempts
    assert second.provenance.usage == first.provenance.usage


def test_the_cache_survives_a_new_session_on_the_same_folder(tmp_path: Path) -> None:
    folder = str(tmp_path / "responses")
    with diskcache.Cache(folder, disk=DataDisk) as first_cache:
        first = _extract(_endpoint(tmp_path, first_cache))
    with diskcache.Cache(folder, disk=DataDisk) as second_cache:
        endpoint = _endpoint(tmp_path, second_cache)
        second = _extract(endpoint)
    assert endpoint.request_count == 0
    assert second.provenance.cache_hit is True
    assert second.events == first.events


def test_a_different_article_makes_a_new_request(tmp_path: Path, cache: diskcache.Cache) -> None:
    endpoint = _endpoint(tmp_path, cache)
    first = _extract(endpoint)
    other = _extract(endpoint, ARTICLE + "\nThe army later said the post was retaken.")
    assert endpoint.request_count == 2
    assert other.provenance.cache_hit is False
    assert other.provenance.request_sha256 != first.provenance.request_sha256


def test_a_different_prompt_makes_a_new_request(tmp_path: Path, cache: diskcache.Cache) -> None:
    endpoint = _endpoint(tmp_path, cache)
    _extract(endpoint, prompt="events.v1")
    naive = _extract(endpoint, prompt="naive.v1")
    assert endpoint.request_count == 2
    assert naive.provenance.cache_hit is False
    assert naive.provenance.prompt_id == "naive"
    again = _extract(endpoint, prompt="naive.v1")
    assert endpoint.request_count == 2
    assert again.provenance.cache_hit is True
    assert again.provenance.adjudicated is True, "a cached answer shaped the events as much as a live one"


def test_a_different_model_makes_a_new_request(tmp_path: Path, cache: diskcache.Cache) -> None:
    _extract(_endpoint(tmp_path, cache))
    other = FakeEndpoint(
        tmp_path, Recorder([ok(grounded_answer())]), cache=cache, use_cache=True, model="other-model"
    )
    result = _extract(other)
    assert other.request_count == 1
    assert result.provenance.cache_hit is False
    assert result.provenance.model == "other-model"


def test_use_cache_false_bypasses_the_cache(tmp_path: Path, cache: diskcache.Cache) -> None:
    cached = _endpoint(tmp_path, cache)
    first = _extract(cached)
    assert len(cache) == 1
    bypass = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]), cache=cache, use_cache=True)
    bypass.extractor.settings = bypass.extractor.settings.replace(use_cache=False)
    result = _extract(bypass)
    assert bypass.request_count == 1
    assert result.provenance.cache_hit is False
    assert result.provenance.request_sha256 == first.provenance.request_sha256  # same request, not looked up


def test_use_cache_false_in_the_endpoint_settings_bypasses_the_cache(
    tmp_path: Path, cache: diskcache.Cache
) -> None:
    _extract(_endpoint(tmp_path, cache))
    bypass = _endpoint(tmp_path, cache, use_cache=False)
    assert bypass.settings.cache.use_cache is False
    result = _extract(bypass)
    assert bypass.request_count == 1
    assert result.provenance.cache_hit is False


def test_an_answer_that_still_fails_validation_is_not_cached(tmp_path: Path, cache: diskcache.Cache) -> None:
    endpoint = _endpoint(tmp_path, cache, answer=ungrounded_answer())
    first = _extract(endpoint)
    assert endpoint.request_count == 3  # first answer + 2 re-asks
    assert first.events == []
    assert len(first.diagnostics.dropped) == 1
    assert len(cache) == 0
    second = _extract(endpoint)
    assert endpoint.request_count == 6  # asked again
    assert second.provenance.cache_hit is False


def test_a_validated_answer_after_a_reask_is_cached_with_its_history(
    tmp_path: Path, cache: diskcache.Cache
) -> None:
    endpoint = FakeEndpoint(
        tmp_path, Recorder([ok(ungrounded_answer()), ok(grounded_answer())]), cache=cache, use_cache=True
    )
    first = _extract(endpoint)
    second = _extract(endpoint)
    assert endpoint.request_count == 2
    assert second.provenance.cache_hit is True
    assert second.provenance.attempts == first.provenance.attempts == 2
    assert second.diagnostics.validation_errors == first.diagnostics.validation_errors
    assert len(second.events) == 1


def test_a_failed_call_is_not_cached(tmp_path: Path, cache: diskcache.Cache) -> None:
    failing = FakeEndpoint(tmp_path, Recorder([httpx.Response(500)]), cache=cache, use_cache=True)
    with pytest.raises(ServerError):
        _extract(failing)
    assert len(cache) == 0
    recovered = _endpoint(tmp_path, cache)
    result = _extract(recovered)
    assert recovered.request_count == 1
    assert len(result.events) == 1
