"""A real ``extractor serve`` (uvicorn) on 127.0.0.1: SIGKILLed half-way through a job, restarted,
and every article has exactly one result, in input order."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.fakes import fake_llm_server

GUARD_S = 120.0
N_ARTICLES = 12

#: Real service processes, each wait bounded by GUARD_S: longer than the default per-test timeout.
pytestmark = [pytest.mark.block_network(allowed_hosts=["127.0.0.1"]), pytest.mark.timeout(600)]


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + GUARD_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {GUARD_S:.0f} s waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fake_endpoint() -> Iterator[str]:
    """scripts/fake_llm.py answering each request after 300 ms."""
    with fake_llm_server("--delay-ms", "300") as url:
        yield url


class Server:
    """``extractor serve`` in a process of its own."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-c",
            "from extractor.cli import main; main()",
            "serve",
            "--port",
            str(port),
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        wait_for(self.healthy, "the service to answer /healthz")

    def healthy(self) -> bool:
        assert self.process.poll() is None, "the service exited"
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


def run_job_through_a_sigkill(tmp_path: Path, endpoint: str, database_url: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k != "OPENAI_API_KEY"}
    env.update(
        EXTRACTOR_DATA_DIR=str(tmp_path / "data"),
        EXTRACTOR_BASE_URL=endpoint,
        EXTRACTOR_MODEL="fake",
        EXTRACTOR_PROMPT="events.v1",
        EXTRACTOR_NO_CACHE="1",
        EXTRACTOR_WORKERS="2",
        EXTRACTOR_LEASE_S="2",
    )
    if database_url:
        env["EXTRACTOR_DATABASE_URL"] = database_url
    port = free_port()
    log = tmp_path / "serve.log"
    articles = [
        {"article_id": f"art-{i:02d}", "text": f"Rebels attacked post number {i} on Monday. Two died."}
        for i in range(N_ARTICLES)
    ]
    first = Server(env, port, log)
    try:
        job = httpx.post(f"{first.url}/v1/jobs", json=articles, timeout=30).json()["id"]

        def done() -> int:
            return int(httpx.get(f"{first.url}/v1/jobs/{job}", timeout=10).json()["done"])

        wait_for(lambda: done() >= 3, "three articles done")
        before = done()
    finally:
        first.stop(signal.SIGKILL)
    assert before < N_ARTICLES, "the job finished before the kill: nothing to resume"
    second = Server(env, port, log)
    try:
        results = httpx.get(f"{second.url}/v1/jobs/{job}/results", timeout=GUARD_S)
        status = httpx.get(f"{second.url}/v1/jobs/{job}", timeout=10).json()
    finally:
        second.stop()
    engine = create_engine(database_url or f"sqlite:///{tmp_path / 'data' / 'service.db'}")
    with engine.connect() as db:
        stored = (
            db.execute(text("SELECT article_id FROM results WHERE job_id = :j"), {"j": job}).scalars().all()
        )
        retried = db.execute(text("SELECT count(*) FROM items WHERE attempts > 1")).scalar_one()
    engine.dispose()
    return {
        "lines": [line for line in results.text.splitlines() if line],
        "status": status,
        "stored": sorted(stored),
        "retried": retried,
        "expected": [a["article_id"] for a in articles],
        "before": before,
    }


def check_exactly_once(outcome: dict[str, Any]) -> None:
    import json

    ids = [json.loads(line)["article_id"] for line in outcome["lines"]]
    assert ids == outcome["expected"]  # every article once, in input order
    assert all("events" in json.loads(line) for line in outcome["lines"])
    assert outcome["stored"] == outcome["expected"]  # one row per article in the database
    assert outcome["status"]["done"] == N_ARTICLES and outcome["status"]["pending"] == 0
    assert outcome["retried"] >= 1  # articles in flight at the kill were taken again after restart


def test_sigkill_half_way_then_restart_gives_one_result_per_article_sqlite(
    tmp_path: Path, fake_endpoint: str
) -> None:
    check_exactly_once(run_job_through_a_sigkill(tmp_path, fake_endpoint, None))


def test_sigkill_half_way_then_restart_gives_one_result_per_article_postgresql(
    tmp_path: Path, fake_endpoint: str, postgres_url: str
) -> None:
    check_exactly_once(run_job_through_a_sigkill(tmp_path, fake_endpoint, postgres_url))
