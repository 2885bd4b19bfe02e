"""Benchmark of corpus runs, code only: articles/s of one process, of Dask with 1 and 2 worker
processes, and of 1 and 2 ``extractor serve`` processes on one PostgreSQL database.

    python scripts/bench_scale.py [--articles 1000] [--chars 4000] [--partition-size 25] \
        [--devdata ../shared/devdata] [--runs local dask1 dask2 serve1 serve2] [--out out/bench_scale.json]

The articles are made at run time, in a temporary folder deleted afterwards (never written into the
repository): the sentences of ``evals/articles`` and of the development data's news and geoparsing
articles, shuffled with ``--seed``, joined until an article has ``--chars`` characters. Every run
reads the same JSONL file, with the default prompt (events.v5) and no LLM
(``EXTRACTOR_ADJUDICATE=0``), the cache off:

* ``local``: ``extractor corpus extract`` with the local engine (one process);
* ``dask1`` / ``dask2``: ``--engine dask --workers 1|2`` (a LocalCluster of single-threaded worker
  processes);
* ``serve1`` / ``serve2``: one job of all the articles, posted to the first of 1 or 2 ``extractor serve``
  processes (``EXTRACTOR_WORKERS=2`` each) sharing a throwaway PostgreSQL database; timed from
  the POST to the job's last result (``finished_at - created_at``), the processes already up.

For the corpus runs, *cpu_s* is the CPU time the command and its processes used, and *cores_used*
that over the wall time. And two rates: *wall*, the whole command (interpreter start, cluster start,
the NLP pipeline loaded in each process, extraction, cluster stop), and *extract*, the command's
own figure (from the engine being ready to the last part file). Each row carries the 1-minute
load average before and after it (``os.getloadavg``): on a shared machine a figure measured under
load says more about the neighbours than about the code. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXTRACTOR = [sys.executable, "-c", "from extractor.cli import main; main()"]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c])")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def sentences(devdata: Path) -> list[str]:
    texts = [
        _FRONT_MATTER.sub("", p.read_text(encoding="utf-8"))
        for p in sorted(ROOT.glob("evals/articles/*.txt"))
    ]
    texts += [p.read_text(encoding="utf-8") for p in sorted((devdata / "news" / "articles").glob("*.txt"))]
    geo = devdata / "geo" / "geo_dev.jsonl"
    if geo.exists():
        texts += [json.loads(line)["text"] for line in geo.read_text(encoding="utf-8").splitlines() if line]
    found = [" ".join(s.split()) for text in texts for s in _SENTENCE_END.split(text)]
    return [s for s in found if 40 <= len(s) <= 600]


def make_articles(path: Path, n: int, chars: int, seed: int, devdata: Path) -> dict[str, Any]:
    pool = sentences(devdata)
    rng = random.Random(seed)
    lengths = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            parts: list[str] = []
            while sum(len(p) + 1 for p in parts) < chars:
                parts.append(rng.choice(pool))
            text = " ".join(parts)
            lengths.append(len(text))
            out.write(
                json.dumps({"article_id": f"bench-{i:05d}", "text": text, "published": "2023-03-15"}) + "\n"
            )
    return {"articles": n, "sentences_in_pool": len(pool), "mean_chars": round(sum(lengths) / n)}


def _children_cpu_s() -> float:
    """CPU seconds (user + system) of the finished child processes and their reaped descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> float:
    return round(os.getloadavg()[0], 2)


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k != "OPENAI_API_KEY"}
    env.update(EXTRACTOR_ADJUDICATE="0", EXTRACTOR_NO_CACHE="1", **(extra or {}))
    return env


def corpus_run(
    name: str, inputs: Path, work: Path, n: int, *, size: int, engine: list[str]
) -> dict[str, Any]:
    out = work / f"out-{name}"
    command = [*EXTRACTOR, "corpus", "extract", str(inputs), "-o", str(out)]
    command += ["--partition-size", str(size), *engine]
    before, cpu_before = load(), _children_cpu_s()
    started = time.perf_counter()
    done = subprocess.run(command, env=environment(), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after, cpu = load(), _children_cpu_s() - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"{name}: exit {done.returncode}\n{done.stderr[-3000:]}")
    found = re.search(r"in ([0-9.]+) s \(([0-9.]+) articles/s\)", done.stderr)
    extract_s = float(found.group(1)) if found else float("nan")
    lines = sum(1 for part in out.glob("part-*.jsonl") for _ in part.open(encoding="utf-8"))
    assert lines == n, f"{name}: {lines} lines for {n} articles"
    return {
        "run": name,
        "wall_s": round(wall, 2),
        "wall_articles_per_s": round(n / wall, 3),
        "extract_s": extract_s,
        "extract_articles_per_s": round(n / extract_s, 3),
        "cpu_s": round(cpu, 1),
        "cores_used": round(cpu / wall, 2),
        "load_before": before,
        "load_after": after,
    }


# ---------------------------------------------------------------------------- the service on PostgreSQL
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server (Debian's package, as the tests start it); yields its URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL is not installed: run `make postgresql`")
    bin_dir = Path(found[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="extractor-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
    subprocess.run(_as_postgres(start), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


class Service:
    def __init__(self, database_url: str, data: Path, n: int) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = environment(
            {
                "EXTRACTOR_DATABASE_URL": database_url,
                "EXTRACTOR_DATA_DIR": str(data),
                "EXTRACTOR_WORKERS": "2",
                "EXTRACTOR_MAX_JOB_ARTICLES": str(max(n, 1000)),
                "EXTRACTOR_MAX_BODY_BYTES": str(256 * 1024 * 1024),
            }
        )
        command = [*EXTRACTOR, "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        raise SystemExit("the service did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def serve_run(name: str, processes: int, inputs: Path, work: Path, n: int) -> dict[str, Any]:
    articles = [json.loads(line) for line in inputs.read_text(encoding="utf-8").splitlines()]
    with postgres() as database_url:
        services = [Service(database_url, work / f"data-{name}-{i}", n) for i in range(processes)]
        try:
            before = load()
            response = httpx.post(f"{services[0].url}/v1/jobs", json=articles, timeout=120)
            response.raise_for_status()
            job = response.json()["id"]
            while True:
                status = httpx.get(f"{services[0].url}/v1/jobs/{job}", timeout=30).json()
                if status["pending"] == 0:
                    break
                time.sleep(0.5)
            after = load()
        finally:
            for service in services:
                service.stop()
    seconds = float(status["duration_s"])
    assert status["done"] + status["failed"] == n, status
    return {
        "run": name,
        "job_s": round(seconds, 2),
        "job_articles_per_s": round(n / seconds, 3),
        "failed": status["failed"],
        "load_before": before,
        "load_after": after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--chars", type=int, default=4000)
    parser.add_argument("--partition-size", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--devdata", type=Path, default=ROOT.parent / "shared" / "devdata")
    parser.add_argument("--runs", nargs="+", default=["local", "dask1", "dask2", "serve1", "serve2"])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench_scale.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="extractor-bench-scale-"))
    try:
        inputs = work / "articles.jsonl"
        made = make_articles(inputs, args.articles, args.chars, args.seed, args.devdata)
        print(f"{made['articles']} articles of {made['mean_chars']} characters on average", file=sys.stderr)
        n, size, dask = args.articles, args.partition_size, ["--engine", "dask", "--workers"]
        runs = {
            "local": lambda: corpus_run("local", inputs, work, n, size=size, engine=[]),
            "dask1": lambda: corpus_run("dask1", inputs, work, n, size=size, engine=[*dask, "1"]),
            "dask2": lambda: corpus_run("dask2", inputs, work, n, size=size, engine=[*dask, "2"]),
            "serve1": lambda: serve_run("serve1", 1, inputs, work, n),
            "serve2": lambda: serve_run("serve2", 2, inputs, work, n),
        }
        results = []
        for name in args.runs:
            row = runs[name]()
            print(json.dumps(row), file=sys.stderr)
            results.append(row)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    by = {row["run"]: row for row in results}

    def ratio(a: str, b: str, key: str) -> float | None:
        return round(by[a][key] / by[b][key], 2) if a in by and b in by else None

    speedups = {
        "dask2_vs_local_extract": ratio("dask2", "local", "extract_articles_per_s"),
        "dask2_vs_local_wall": ratio("dask2", "local", "wall_articles_per_s"),
        "dask2_vs_dask1_extract": ratio("dask2", "dask1", "extract_articles_per_s"),
        "serve2_vs_serve1": ratio("serve2", "serve1", "job_articles_per_s"),
    }
    report = {
        "made": made,
        "partition_size": args.partition_size,
        "cores": len(os.sched_getaffinity(0)),
        "python": sys.version.split()[0],
        "runs": results,
        "speedups": speedups,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
