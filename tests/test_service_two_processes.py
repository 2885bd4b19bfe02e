"""Two `extractor serve` processes on one PostgreSQL database share a job's articles; one of them is
SIGKILLed mid-job, and every article still has exactly one result.

Each process talks to its own fake LLM endpoint, so the endpoints' counters say which process
extracted what: both must have worked on the job, and the killed one must have been holding
articles (requests in flight) when it died."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.fakes import fake_llm_server
from tests.test_service_process import GUARD_S, Server, free_port, wait_for

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

N_ARTICLES = 40


@pytest.fixture
def endpoints() -> Iterator[tuple[str, str]]:
    """Two fake endpoints answering each request after 200 ms."""
    with fake_llm_server("--delay-ms", "200") as first, fake_llm_server("--delay-ms", "200") as second:
        yield first, second


def stats(url: str) -> dict[str, Any]:
    data: dict[str, Any] = httpx.get(f"{url}/stats", timeout=10).json()
    return data


def env_for(tmp_path: Path, name: str, endpoint: str, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k != "OPENAI_API_KEY"}
    env.update(
        EXTRACTOR_DATA_DIR=str(tmp_path / name),
        EXTRACTOR_DATABASE_URL=database_url,
        EXTRACTOR_BASE_URL=endpoint,
        EXTRACTOR_MODEL="fake",
        EXTRACTOR_PROMPT="events.v1",
        EXTRACTOR_NO_CACHE="1",
        EXTRACTOR_WORKERS="2",
        EXTRACTOR_LEASE_S="2",
    )
    return env


def start_both(tmp_path: Path, endpoints: tuple[str, str], database_url: str) -> tuple[Server, Server]:
    """Both processes started at the same moment (both run the migrations on an empty database)."""
    started: dict[str, Server | BaseException] = {}

    def start(name: str, endpoint: str) -> None:
        try:
            started[name] = Server(
                env_for(tmp_path, name, endpoint, database_url), free_port(), tmp_path / f"{name}.log"
            )
        except BaseException as exc:
            started[name] = exc

    threads = [threading.Thread(target=start, args=item) for item in zip(("a", "b"), endpoints, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    servers = [started[name] for name in ("a", "b")]
    for server in servers:
        if isinstance(server, BaseException):
            for other in servers:
                if isinstance(other, Server):
                    other.stop(signal.SIGKILL)
            logs = "\n".join((tmp_path / f"{n}.log").read_text(errors="replace")[-2000:] for n in ("a", "b"))
            pytest.fail(f"a service did not start: {server!r}\n{logs}")
    a, b = servers
    assert isinstance(a, Server) and isinstance(b, Server)
    return a, b


def test_two_processes_share_a_job_and_one_killed_mid_job_loses_and_duplicates_nothing(
    tmp_path: Path, endpoints: tuple[str, str], postgres_url: str
) -> None:
    first, second = endpoints
    a, b = start_both(tmp_path, endpoints, postgres_url)
    articles = [
        {
            "article_id": f"art-{i:02d}",
            "text": f"Rebels attacked post number {i} on Monday. Two soldiers died.",
        }
        for i in range(N_ARTICLES)
    ]
    try:
        job = httpx.post(f"{a.url}/v1/jobs", json=articles, timeout=30).json()["id"]
        # b finds the job in the database by itself; kill it while it holds articles of the job
        wait_for(
            lambda: stats(second)["requests"] >= 3 and stats(second)["in_flight"] >= 1, "b to work on the job"
        )
        b.stop(signal.SIGKILL)
        by_b = stats(second)["requests"]
        results = httpx.get(f"{a.url}/v1/jobs/{job}/results", timeout=GUARD_S)
        status = httpx.get(f"{a.url}/v1/jobs/{job}", timeout=10).json()
    finally:
        a.stop()
        b.stop(signal.SIGKILL)
    by_a = stats(first)["requests"]
    engine = create_engine(postgres_url)
    with engine.connect() as db:
        stored = (
            db.execute(text("SELECT article_id FROM results WHERE job_id = :j"), {"j": job}).scalars().all()
        )
        retried = db.execute(text("SELECT count(*) FROM items WHERE attempts > 1")).scalar_one()
    engine.dispose()

    expected = [a["article_id"] for a in articles]
    lines = [json.loads(line) for line in results.text.splitlines() if line]
    assert [line["article_id"] for line in lines] == expected  # each article once, in input order
    assert all("events" in line for line in lines)
    assert sorted(stored) == expected  # one stored result per article
    assert status["done"] == N_ARTICLES and status["pending"] == 0
    assert 3 <= by_b < N_ARTICLES and by_a < N_ARTICLES  # both processes worked on the job
    assert by_a + by_b > N_ARTICLES  # what b held when it died was extracted again, by a
    assert retried >= 1  # ... after its lease ran out


def test_a_process_starting_while_another_migrates_waits_for_it(tmp_path: Path, postgres_url: str) -> None:
    """Without the migration lock, two processes starting together on an empty database both create
    the migrations' table and one of them fails (measured: 4 of 8 simultaneous starts)."""
    import subprocess
    import sys

    import psycopg

    from extractor.service.store import MIGRATION_LOCK

    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))  # "another process migrates"
        code = f"from extractor.service.store import Store; Store({postgres_url!r}).close()"
        store = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)
        try:

            def waiting() -> bool:
                assert store.poll() is None, "it migrated without waiting for the lock"
                row = holder.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                )
                return (row.fetchone() or (0,))[0] == 1

            wait_for(waiting, "the second process to wait for the migration lock")
            holder.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
            _, err = store.communicate(timeout=GUARD_S)
        finally:
            store.kill()
    assert store.returncode == 0, err.decode()[-2000:]
    with psycopg.connect(plain) as check:
        assert check.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
