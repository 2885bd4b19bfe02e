"""Shared fixtures: request-counting fake endpoints and the pytest-recording setup.

Cassettes are replayed with ``make test`` (``--record-mode=none --block-network``) and
re-recorded with ``make record`` (which starts the embedded model). The command line alone
decides the record mode: nothing here sets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest

from evals.recording import REPLAY_BASE_URL, json_body_matcher, vcr_options
from extractor.llm import LLMClient
from extractor.pipeline import Extractor
from extractor.settings import Settings
from tests.fakes import Recorder
from tests.postgres import postgres_server, postgres_url

__all__ = ["postgres_server", "postgres_url"]  # fixtures for every test module

# No timed assertions: hypothesis's per-example deadline (200 ms) fails on a shared 2-core
# machine for reasons that have nothing to do with the code; speed is measured by benchmarks.
hypothesis.settings.register_profile("extractor", deadline=None)
hypothesis.settings.load_profile("extractor")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return vcr_options()


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("json_body", json_body_matcher)


@pytest.fixture(scope="session")
def llm_base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The embedded model while recording; a never-contacted placeholder while replaying."""
    mode = request.config.getoption("--record-mode", default="none")
    if mode in (None, "none"):
        yield REPLAY_BASE_URL
        return
    from extractor.llm import LocalModelServer

    with LocalModelServer() as server:
        yield server.base_url


@pytest.fixture
def recorded_settings(llm_base_url: str, tmp_path: Path) -> Settings:
    """Settings for cassette tests: the embedded model's kind and name, no cache."""
    return Settings(
        base_url=llm_base_url,
        endpoint_kind="llama-cpp-python",
        model="smollm2-135m-instruct",
        use_cache=False,
        cache_dir=tmp_path / "cache",
        http_retries=0,
        timeout_s=1800.0,  # recording shares a 2-core machine; a replay answers at once
    )


def fake_settings(tmp_path: Path, **changes: Any) -> Settings:
    base = Settings(
        prompt="events.v1",  # pipeline mechanics are tested with free-quote answers
        base_url="http://llm.test/v1",
        endpoint_kind="llama-cpp-python",
        model="test-model",
        use_cache=False,
        cache_dir=tmp_path / "cache",
        http_retries=2,
        reasks=2,
        backoff_initial_s=0.5,
        backoff_max_s=20.0,
    )
    return base.replace(**changes)


class FakeEndpoint:
    """An Extractor wired to a scripted ``httpx.MockTransport``; records sleeps instead of sleeping."""

    def __init__(self, tmp_path: Path, recorder: Recorder, cache: Any | None = None, **changes: Any) -> None:
        self.recorder = recorder
        self.sleeps: list[float] = []
        self.settings = fake_settings(tmp_path, **changes)

        async def asleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        self.client = LLMClient(
            self.settings,
            transport=httpx.MockTransport(recorder),
            async_transport=httpx.MockTransport(recorder.handle_async),
            sleep=self.sleeps.append,
            async_sleep=asleep,
            cache=cache,
        )
        self.extractor = Extractor(self.settings, client=self.client)

    @property
    def request_count(self) -> int:
        return len(self.recorder.requests)


@pytest.fixture
def fake_endpoint(tmp_path: Path) -> Any:
    def make(script: Any, **changes: Any) -> FakeEndpoint:
        return FakeEndpoint(tmp_path, Recorder(script), **changes)

    return make
