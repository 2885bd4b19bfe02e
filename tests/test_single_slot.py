"""Against a single-slot server (llama-cpp-python), a timed-out request is not resent while the
server still works on the abandoned one. ``scripts/fake_llm.py --single-slot`` works one request
at a time, finishes requests whose client gave up, and counts how many were in it at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from extractor.errors import LLMTimeoutError
from extractor.pipeline import Extractor
from extractor.settings import EndpointKind, Settings
from tests.fakes import ARTICLE, PUBLISHED, fake_llm_server

#: These tests talk to a local server process over loopback, also under ``--block-network``.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture
def single_slot() -> Iterator[str]:
    """A server that needs 2 s per request, one request at a time."""
    with fake_llm_server("--delay-ms", "2000", "--single-slot") as url:
        yield url


def _stats(url: str) -> dict[str, int]:
    data: dict[str, int] = httpx.get(f"{url}/stats", timeout=30).json()
    return data


def _settings(url: str, tmp_path: Path, kind: EndpointKind) -> Settings:
    return Settings(
        base_url=url,
        endpoint_kind=kind,
        model="fake",
        prompt="events.v1",
        timeout_s=1.0,  # shorter than the server's 2 s: every request times out
        http_retries=2,
        backoff_initial_s=0.01,
        use_cache=False,
        cache_dir=tmp_path / "cache",
    )


def test_a_timed_out_request_is_resent_only_once_the_server_is_idle(single_slot: str, tmp_path: Path) -> None:
    extractor = Extractor(_settings(single_slot, tmp_path, "llama-cpp-python"))
    with extractor, pytest.raises(LLMTimeoutError) as info:
        extractor.extract(ARTICLE, published=PUBLISHED)
    assert info.value.attempts == 3
    stats = _stats(single_slot)
    assert stats["requests"] == 3
    assert stats["max_in_flight"] == 1  # no retry ever queued behind an abandoned request


def test_the_fake_server_does_count_queued_requests(single_slot: str, tmp_path: Path) -> None:
    # The same run against a server not known to be single-slot resends at once: the retries queue.
    extractor = Extractor(_settings(single_slot, tmp_path, "openai-compatible"))
    with extractor, pytest.raises(LLMTimeoutError):
        extractor.extract(ARTICLE, published=PUBLISHED)
    stats = _stats(single_slot)
    assert stats["requests"] == 3
    assert stats["max_in_flight"] >= 2
