"""Corpus runs in one process (`extractor corpus extract`, the local engine): partitions, part files
written whole, a manifest that refuses to mix settings, reruns that skip finished partitions, and
lines identical to those of `extractor extract` for the same articles and settings."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from extractor.cli import main
from extractor.distributed import LocalEngine, RunOptions, part_name, plan_run, scan, write_atomically
from extractor.distributed.gate import GatedAsyncTransport
from extractor.errors import BatchError
from extractor.settings import Settings
from tests.fakes import fake_llm_server
from tests.partition_fakes import (
    article_ids,
    clean_env,
    comparable,
    lines_of,
    parts,
    write_jsonl,
    write_texts,
)

__all__ = ["clean_env"]  # the fixture

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def corpus(*args: str) -> Result:
    return CliRunner().invoke(main, ["corpus", "extract", *args])


def stats(url: str) -> dict[str, Any]:
    data: dict[str, Any] = httpx.get(f"{url}/stats", timeout=30).json()
    return data


# ---------------------------------------------------------------------------- inputs
def test_scan_reads_jsonl_lines_folders_and_files_in_order_and_refuses_bad_lines(tmp_path: Path) -> None:
    bad = ["not json", json.dumps({"text": "   "}), json.dumps({"article_id": "art-001", "text": "again"})]
    jsonl = write_jsonl(tmp_path / "a.jsonl", 3, extra=bad)
    folder = tmp_path / "texts"
    write_texts(folder / "b", 2)
    (folder / "a.txt").write_text("Soldiers clashed with rebels on Sunday.", encoding="utf-8")
    (folder / "a.meta.json").write_text(json.dumps({"article_id": "folder-a"}), encoding="utf-8")
    single = tmp_path / "one.txt"
    single.write_text("Police dispersed a protest on Friday.", encoding="utf-8")

    entries = scan([jsonl, folder, single, tmp_path / "missing.txt"], max_chars=10_000)

    ids = [e.article_id for e in entries]
    assert ids[:3] == article_ids(3)
    assert ids[3:6] == [None, None, None]  # bad JSON, empty text, an id used before
    assert [e.source for e in entries[3:6]] == [f"{jsonl}:4", f"{jsonl}:5", f"{jsonl}:6"]
    assert "not a JSON line" in (entries[3].refused or "")
    assert "empty" in (entries[4].refused or "")
    assert "already used by" in (entries[5].refused or "")
    assert ids[6] == "folder-a"  # folder/a.txt sorts before folder/b/...
    assert ids[7:9] == [None, None]  # folder/b's articles reuse art-000 and art-001 of the JSONL file
    assert ids[9] == "one"
    assert ids[10] is None and "cannot read" in (entries[10].refused or "")
    assert all(e.refused is None for e in entries if e.article_id is not None)


def test_partitions_hold_the_inputs_in_order(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", 7)
    plan = plan_run([jsonl], tmp_path / "out", Settings.from_env(), partition_size=3)
    assert [p.name for p in plan.partitions] == [part_name(0), part_name(1), part_name(2)]
    assert [[e.article_id for e in p.entries] for p in plan.partitions] == [
        article_ids(7)[0:3],
        article_ids(7)[3:6],
        article_ids(7)[6:7],
    ]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [p["articles"] for p in manifest["partitions"]] == [
        [e.article_id for e in p.entries] for p in plan.partitions
    ]
    assert manifest["prompt"] == "events.v5" and len(manifest["prompt_sha256"]) == 64
    assert manifest["settings"]["adjudicate"] is False  # the embedded model's default: code only


# ---------------------------------------------------------------------------- part files
def test_a_part_file_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / part_name(3)

    def crash(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(target, b'{"article_id": "a"}\n')
    assert list(tmp_path.iterdir()) == []  # neither the part file nor its temporary file
    monkeypatch.undo()
    write_atomically(target, b"one\n")
    write_atomically(target, b"two\n")  # a second attempt replaces the first whole
    assert target.read_bytes() == b"two\n" and list(tmp_path.iterdir()) == [target]


# ---------------------------------------------------------------------------- the local engine
def test_local_run_gives_the_lines_of_extract_code_only(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    files = write_texts(tmp_path / "in", 5)
    single = tmp_path / "single.jsonl"
    assert CliRunner().invoke(main, ["extract", *map(str, files), "-o", str(single)]).exit_code == 0

    result = corpus(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--partition-size", "2")

    assert result.exit_code == 0, result.output
    assert len(parts(tmp_path / "out")) == 3
    records = lines_of(parts(tmp_path / "out"))
    assert [r["article_id"] for r in records] == article_ids(5)  # input order, each once
    assert any(r["events"] for r in records)
    assert comparable(records) == comparable(lines_of([single]))


def test_local_run_with_an_llm_endpoint_gives_the_lines_of_extract(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    files = write_texts(tmp_path / "in", 4)
    with fake_llm_server() as url:
        clean_env.setenv("EXTRACTOR_BASE_URL", url)
        clean_env.setenv("EXTRACTOR_MODEL", "fake")
        clean_env.setenv("EXTRACTOR_PROMPT", "events.v1")
        single = tmp_path / "single.jsonl"
        assert CliRunner().invoke(main, ["extract", *map(str, files), "-o", str(single)]).exit_code == 0
        result = corpus(*map(str, files), "-o", str(tmp_path / "out"), "--partition-size", "3")
        assert stats(url)["requests"] == 8  # 4 articles, each asked once by each run
    assert result.exit_code == 0, result.output
    records = lines_of(parts(tmp_path / "out"))
    assert all(r["provenance"]["attempts"] == 1 and r["events"] for r in records)
    assert comparable(records) == comparable(lines_of([single]))


def test_bad_articles_get_their_error_lines_and_the_others_their_results(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    bad = ["{broken", json.dumps({"article_id": "empty", "text": ""})]
    jsonl = write_jsonl(tmp_path / "a.jsonl", 3, extra=bad)
    result = corpus(str(jsonl), "-o", str(tmp_path / "out"), "--partition-size", "5")
    assert result.exit_code == 1  # some article failed
    records = lines_of(parts(tmp_path / "out"))
    assert [r["article_id"] for r in records[:3]] == article_ids(3) and all(
        "events" in r for r in records[:3]
    )
    assert [(r["source"], r["error"]["type"]) for r in records[3:]] == [
        (f"{jsonl}:4", "InputError"),
        (f"{jsonl}:5", "InputError"),
    ]
    assert "wrote 3 result(s) and 2 error line(s) in 1 partition(s)" in result.output


def test_an_unexpected_error_in_one_article_is_its_internal_error_line(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor.pipeline import Extractor

    real = Extractor.aextract_article

    async def flaky(self: Extractor, article: Any, **kwargs: Any) -> Any:
        if article.article_id == "art-001":
            raise KeyError("a bug")
        return await real(self, article, **kwargs)

    monkeypatch.setattr(Extractor, "aextract_article", flaky)
    plan = plan_run(
        [write_jsonl(tmp_path / "a.jsonl", 3)], tmp_path / "out", Settings.from_env(), partition_size=3
    )
    reports: list[Any] = []
    LocalEngine().run(plan.todo, plan.out_dir, Settings.from_env(), RunOptions(), reports.append)
    records = lines_of(parts(tmp_path / "out"))
    assert [r.get("error", {}).get("type") for r in records] == [None, "InternalError", None]
    assert records[1]["article_id"] == "art-001" and "KeyError" in records[1]["error"]["message"]
    assert [(r.results, r.errors) for r in reports] == [(2, 1)]


# ---------------------------------------------------------------------------- reruns and the manifest
def test_a_rerun_does_only_the_partitions_not_written(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", 6)
    out = tmp_path / "out"
    with fake_llm_server() as url:
        args = [str(jsonl), "-o", str(out), "--partition-size", "2", "--base-url", url, "--model", "fake"]
        args += ["--prompt", "events.v1"]
        assert corpus(*args).exit_code == 0
        assert stats(url)["requests"] == 6
        kept = {p.name: p.stat().st_mtime_ns for p in parts(out)}
        (out / part_name(1)).unlink()
        again = corpus(*args)
        assert stats(url)["requests"] == 8  # only partition 1's two articles were asked again
    assert again.exit_code == 0, again.output
    assert "3 partition(s); 2 partition(s) already written" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in parts(out) if p.name != part_name(1)} == {
        k: v for k, v in kept.items() if k != part_name(1)
    }
    assert [r["article_id"] for r in lines_of(parts(out))] == article_ids(6)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (["--prompt", "events.v4"], "prompt"),
        (["--published", "2024-01-01"], "published"),
    ],
)
def test_a_run_with_other_settings_is_refused_before_any_work(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, change: list[str], named: str
) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", 3)
    out = tmp_path / "out"
    assert corpus(str(jsonl), "-o", str(out), "--partition-size", "2").exit_code == 0
    (out / part_name(1)).unlink()
    result = corpus(str(jsonl), "-o", str(out), "--partition-size", "2", *change)
    assert result.exit_code == 2
    assert "was started with other settings" in result.output and f"{named}:" in result.output
    assert not (out / part_name(1)).exists()  # nothing was extracted


def test_code_only_and_adjudicated_runs_do_not_mix(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", 2)
    out = tmp_path / "out"
    plan_run([jsonl], out, Settings.from_env(), partition_size=2)
    with pytest.raises(BatchError, match="adjudicate: False then, True now"):
        plan_run([jsonl], out, Settings.from_env(adjudicate=True), partition_size=2)


def test_a_run_on_other_articles_or_partitions_is_refused(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", 4)
    out = tmp_path / "out"
    plan_run([jsonl], out, Settings.from_env(), partition_size=2)
    with pytest.raises(BatchError, match="other articles or another --partition-size"):
        plan_run([jsonl], out, Settings.from_env(), partition_size=3)
    with pytest.raises(BatchError, match="other articles"):
        plan_run([write_jsonl(tmp_path / "b.jsonl", 5)], out, Settings.from_env(), partition_size=2)


def test_part_files_without_a_manifest_are_refused(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / part_name(0)).write_text("{}\n")
    result = corpus(str(write_jsonl(tmp_path / "a.jsonl", 2)), "-o", str(out))
    assert result.exit_code == 2 and "no manifest.json" in result.output


def test_engine_options_are_checked(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    jsonl = str(write_jsonl(tmp_path / "a.jsonl", 1))
    local = corpus(jsonl, "-o", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:1")
    assert local.exit_code == 2 and "--engine dask" in local.output
    both = corpus(
        jsonl, "-o", str(tmp_path / "o"), "--engine", "dask", "--scheduler", "tcp://h:1", "--workers", "2"
    )
    assert both.exit_code == 2


# ---------------------------------------------------------------------------- the LLM bound
class _Slow(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.now = self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(0.02)
        self.now -= 1
        if request.url.path.endswith("/fail"):
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json={"ok": True})


def test_the_gate_bounds_requests_in_flight_and_gives_every_lease_back() -> None:
    gate = threading.BoundedSemaphore(3)
    inner = _Slow()

    async def go() -> None:
        async with httpx.AsyncClient(transport=GatedAsyncTransport(inner, gate)) as client:
            paths = ["/ok"] * 12 + ["/fail"] * 4
            outcomes = await asyncio.gather(
                *(client.get(f"http://llm{p}") for p in paths), return_exceptions=True
            )
        assert sum(isinstance(o, httpx.ConnectError) for o in outcomes) == 4

    asyncio.run(go())
    assert inner.most == 3  # reached, never passed
    assert all(gate.acquire(blocking=False) for _ in range(3))  # every lease came back, failures included


# ---------------------------------------------------------------------------- the package's surface
def test_the_package_all_is_sorted_and_resolves() -> None:
    import extractor.distributed as package

    assert package.__all__ == sorted(package.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert [name for name in package.__all__ if not hasattr(package, name)] == []


def test_the_command_line_and_the_local_engine_load_no_dask() -> None:
    """Dask is an optional extra: only `--engine dask` imports it (extractor.distributed.dask_engine)."""
    import subprocess
    import sys

    probe = (
        "import sys, extractor.cli, extractor.distributed; "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_partition_whose_file_exists_is_not_done_again(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    """A retried task (its first attempt wrote the file, then its worker died) finds the file and stops."""
    from extractor.distributed import PartitionRunner

    with fake_llm_server() as url:
        settings = Settings.from_env(base_url=url, model="fake", prompt="events.v1")
        plan = plan_run([write_jsonl(tmp_path / "a.jsonl", 3)], tmp_path / "out", settings, partition_size=3)
        runner = PartitionRunner(settings)
        try:
            first = runner.run(plan.todo[0], plan.out_dir)
            before = (plan.out_dir / first.name).read_bytes()
            again = runner.run(plan.todo[0], plan.out_dir)
        finally:
            runner.close()
        assert stats(url)["requests"] == 3
    assert (first.already_done, again.already_done) == (False, True)
    assert (again.results, again.errors) == (3, 0)
    assert (plan.out_dir / first.name).read_bytes() == before
