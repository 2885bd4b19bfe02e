"""``extractor serve`` stopped with SIGTERM while its workers wait on a slow endpoint: the process
ends at once (the articles in flight are not waited for), and a restart finishes the job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes import fake_llm_server
from tests.test_service_process import GUARD_S, Server, free_port, wait_for

#: A stop that waited for the articles in flight would take at least one answer's delay.
ANSWER_DELAY_S = 12.0
STOP_WITHIN_S = 8.0

pytestmark = [pytest.mark.block_network(allowed_hosts=["127.0.0.1"]), pytest.mark.timeout(600)]


@pytest.fixture
def slow_endpoint() -> Iterator[str]:
    with fake_llm_server("--delay-ms", str(int(ANSWER_DELAY_S * 1000))) as url:
        yield url


def test_sigterm_while_articles_are_in_flight_stops_at_once_and_a_restart_finishes_the_job(
    tmp_path: Path, slow_endpoint: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k != "OPENAI_API_KEY"}
    env.update(
        EXTRACTOR_DATA_DIR=str(tmp_path / "data"),
        EXTRACTOR_BASE_URL=slow_endpoint,
        EXTRACTOR_MODEL="fake",
        EXTRACTOR_PROMPT="events.v1",
        EXTRACTOR_NO_CACHE="1",
        EXTRACTOR_WORKERS="2",
        EXTRACTOR_LEASE_S="2",
    )
    articles = [{"article_id": f"a{i}", "text": f"Rebels attacked post {i} on Monday."} for i in range(3)]
    port, log = free_port(), tmp_path / "serve.log"
    first = Server(env, port, log)
    try:
        job = httpx.post(f"{first.url}/v1/jobs", json=articles, timeout=30).json()["id"]
        time.sleep(2.0)  # the two workers have taken an article each and wait for its answer
        assert httpx.get(f"{first.url}/v1/jobs/{job}", timeout=10).json()["done"] == 0
        started = time.monotonic()
        first.process.send_signal(signal.SIGTERM)
        try:
            code = first.process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_WITHIN_S:.0f} s after SIGTERM")
        assert time.monotonic() - started < STOP_WITHIN_S
        # uvicorn shuts down, then ends by the signal it caught (as a process killed by it would).
        assert code in (0, -signal.SIGTERM), log.read_text(encoding="utf-8")[-2000:]
        assert "Application shutdown complete" in log.read_text(encoding="utf-8")
    finally:
        first.stop(signal.SIGKILL)
    second = Server(env, port, log)
    try:
        wait_for(lambda: _done(second.url, job) == len(articles), "the restarted service to finish the job")
        lines = httpx.get(f"{second.url}/v1/jobs/{job}/results", timeout=GUARD_S).text.splitlines()
    finally:
        second.stop()
    assert [json.loads(line)["article_id"] for line in lines if line] == ["a0", "a1", "a2"]


def _done(url: str, job: str) -> int:
    """The job's finished articles; -1 while a busy machine keeps the restarted service from answering
    within 30 s (``wait_for`` bounds the whole wait)."""
    try:
        return int(httpx.get(f"{url}/v1/jobs/{job}", timeout=30).json()["done"])
    except httpx.TimeoutException:
        return -1
