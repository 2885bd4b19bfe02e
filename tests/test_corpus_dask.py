"""Corpus runs on a Dask LocalCluster of two worker processes: the same lines as `extractor extract`,
one bound on the LLM requests of the whole cluster, and a worker SIGKILLed mid-partition that
loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from extractor.cli import main
from extractor.distributed import LocalEngine, RunOptions, plan_run
from extractor.distributed.dask_engine import DaskEngine
from extractor.settings import Settings
from tests.fakes import fake_llm_server
from tests.partition_fakes import (
    article_ids,
    clean_env,
    comparable,
    lines_of,
    parts,
    text,
    write_jsonl,
    write_texts,
)

__all__ = ["clean_env"]  # the fixture

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

GUARD_S = 180.0


def cluster() -> tuple[LocalCluster, Client]:
    local = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    )
    return local, Client(local)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    local, client = cluster()
    try:
        yield str(local.scheduler_address)
    finally:
        client.close()
        local.close()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + GUARD_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {GUARD_S:.0f} s waiting for {what}")
        time.sleep(0.02)


def stats(url: str) -> dict[str, Any]:
    data: dict[str, Any] = httpx.get(f"{url}/stats", timeout=30).json()
    return data


def test_dask_run_gives_the_lines_of_extract_and_one_llm_bound_for_the_cluster(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, scheduler: str
) -> None:
    files = write_texts(tmp_path / "in", 12)
    with fake_llm_server("--delay-ms", "150") as url:
        clean_env.setenv("EXTRACTOR_BASE_URL", url)
        clean_env.setenv("EXTRACTOR_MODEL", "fake")
        clean_env.setenv("EXTRACTOR_PROMPT", "events.v1")
        single = tmp_path / "single.jsonl"
        assert CliRunner().invoke(main, ["extract", *map(str, files), "-o", str(single)]).exit_code == 0
        # 4 partitions of 3 on 2 workers, 3 articles in flight on each: 6 requests at once, but for the gate
        result = CliRunner().invoke(
            main,
            ["corpus", "extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--partition-size", "3",
             "--engine", "dask", "--scheduler", scheduler, "--concurrency", "4", "--llm-concurrency", "2"],
        )  # fmt: skip
        seen = stats(url)
    assert result.exit_code == 0, result.output
    assert "Dask dashboard:" in result.output and "(2 worker(s))" in result.output
    assert seen["requests"] == 24  # 12 by extract, 12 by the cluster: each article asked once
    assert seen["max_in_flight"] == 2  # the bound was reached and never passed
    records = lines_of(parts(tmp_path / "out"))
    assert [r["article_id"] for r in records] == article_ids(12)
    assert comparable(records) == comparable(lines_of([single]))


def test_dask_run_code_only_gives_the_lines_of_extract(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, scheduler: str
) -> None:
    files = write_texts(tmp_path / "in", 6)
    single = tmp_path / "single.jsonl"
    assert CliRunner().invoke(main, ["extract", *map(str, files), "-o", str(single)]).exit_code == 0
    result = CliRunner().invoke(
        main,
        ["corpus", "extract", *map(str, files), "-o", str(tmp_path / "out"), "--partition-size", "2",
         "--engine", "dask", "--scheduler", scheduler],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    records = lines_of(parts(tmp_path / "out"))
    assert any(r["events"] for r in records) and all(r["provenance"]["model"] is None for r in records)
    assert comparable(records) == comparable(lines_of([single]))


# ---------------------------------------------------------------------------- a worker SIGKILLed
N_ARTICLES = 16
SIZE = 4


def _run(out: Path, jsonl: Path, url: str, engine: Any) -> list[Any]:
    """The corpus run through the library (the command line is tested above): its partition reports."""
    settings = Settings(base_url=url, model="fake", prompt="events.v1", use_cache=False)
    plan = plan_run([jsonl], out, settings, partition_size=SIZE)
    reports: list[Any] = []
    engine.run(plan.todo, plan.out_dir, settings, RunOptions(concurrency=1), reports.append)
    return reports


def _kill_a_worker_mid_partition(client: Client, url: str, out: Path) -> str:
    """SIGKILL a worker once one of its partition's articles is answered and the others are not."""
    firsts = {aid: text(i).split(". ")[0] + "." for i, aid in enumerate(article_ids(N_ARTICLES))}
    deadline = time.monotonic() + GUARD_S
    while time.monotonic() < deadline:
        answered = stats(url)["answered"]
        for address, keys in client.processing().items():
            for key in keys:
                found = re.search(r"part-(\d+)\.jsonl", str(key))
                assert found is not None, key
                name, index = found.group(0), int(found.group(1))
                ids = article_ids(N_ARTICLES)[index * SIZE : (index + 1) * SIZE]
                done = sum(answered.get(firsts[aid], 0) for aid in ids)
                if 1 <= done < SIZE and not (out / name).exists():
                    pid = client.run(os.getpid, workers=[address])[address]
                    os.kill(pid, signal.SIGKILL)
                    return name
        time.sleep(0.02)
    pytest.fail("no worker was ever seen in the middle of a partition")


def test_a_worker_killed_mid_partition_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", N_ARTICLES)
    local, client = cluster()
    reports: list[Any] = []
    try:
        with fake_llm_server("--delay-ms", "250") as url:
            with DaskEngine(local.scheduler_address) as engine:
                run = threading.Thread(
                    target=lambda: reports.extend(_run(tmp_path / "out", jsonl, url, engine))
                )
                run.start()
                try:
                    killed = _kill_a_worker_mid_partition(client, url, tmp_path / "out")
                finally:
                    run.join(timeout=GUARD_S)
            answered = stats(url)["answered"]
            _run(tmp_path / "clean", jsonl, url, LocalEngine())  # undisturbed, in this process
    finally:
        client.close()
        local.close()
    assert not run.is_alive()
    assert sorted(r.name for r in reports) == [f"part-{i:05d}.jsonl" for i in range(N_ARTICLES // SIZE)]
    assert all(r.results == SIZE for r in reports)  # no partition failed
    index = int(killed.removeprefix("part-").removesuffix(".jsonl"))
    again = [text(i).split(". ")[0] + "." for i in range(index * SIZE, (index + 1) * SIZE)]
    assert max(answered[first] for first in again) == 2  # the killed partition was done again, by a retry
    assert sum(answered.values()) > N_ARTICLES
    records = lines_of(parts(tmp_path / "out"))
    assert [r["article_id"] for r in records] == article_ids(N_ARTICLES)  # each exactly once
    assert all("events" in r for r in records)
    assert not list((tmp_path / "out").glob(".*.tmp"))  # the dead attempt left nothing behind
    assert comparable(records) == comparable(lines_of(parts(tmp_path / "clean")))


def test_the_api_key_is_not_sent_to_the_workers() -> None:
    import cloudpickle

    from extractor.distributed import RunOptions
    from extractor.distributed.dask_engine import SessionPlugin
    from extractor.settings import Settings

    key = "sk-test-never-on-the-wire-0123456789"
    plugin = SessionPlugin("p", Settings(api_key=key, base_url="http://llm.test/v1"), RunOptions(), "s")
    assert key.encode() not in cloudpickle.dumps(plugin)


def test_a_scheduler_that_cannot_be_reached_is_a_usage_error(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    import dask

    jsonl = write_jsonl(tmp_path / "a.jsonl", 1)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(
            main,
            ["corpus", "extract", str(jsonl), "-o", str(tmp_path / "out"), "--engine", "dask",
             "--scheduler", "tcp://127.0.0.1:9"],
        )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--scheduler tcp://127.0.0.1:9: cannot connect" in result.output
