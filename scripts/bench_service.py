"""Benchmark of the HTTP service against a fake OpenAI-compatible endpoint with a fixed answer time.

    python scripts/bench_service.py [--delay-ms 200] [--concurrency 1 4 16] [--requests 48] \
        [--articles 200] [--repeat 1] [--out out/bench_service.json]

Starts ``scripts/fake_llm.py --delay-ms D`` and, for each concurrency C, a fresh ``extractor serve``
(``EXTRACTOR_WORKERS=C``, SQLite in a temp dir, prompt events.v1, cache off) on 127.0.0.1, then:

* ``/v1/extract``: ``--requests`` requests, C in flight: throughput and p50/p95 latency;
* a job of ``--articles`` articles: submission to the last streamed result, throughput, and
  p50/p95 of each article's time from submission to its result being committed;

and two shares of wall time. *beyond_llm*: everything but the fake LLM's fixed answer time (the
library's own work, grounding and derivation included, plus the service's): for the job
1 - ceil(N / C) x D / wall, for /v1/extract the median of 1 - D / latency. *service*: only what
happens outside the library's ``aextract`` (HTTP, database, queueing): for the job
1 - sum(provenance.duration_s) / (C x wall), the share of the C worker slots not spent inside the
library; for /v1/extract the median of 1 - provenance.duration_s / latency.

And the service against the library alone: the same articles through ``Extractor.aextract_many``
at the same concurrency, in a process of its own, with no HTTP and no database
(*library_wall_s*); *job_overhead_vs_library* is 1 - library wall / job wall, what running the
work as a service job costs beyond running it in a script. On a machine where the library's own
CPU work saturates a core, *beyond_llm* measures that machine limit, not the service.
``--repeat`` runs every concurrency that many times (figures vary from run to run by several
percentage points on a shared 2-core machine). A measurement, not a test: nothing is asserted.
Every phase is bounded (``--timeout`` seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "Rebels attacked an army post near the river town on Monday, killing three soldiers, the army said. "
    "A spokesman for the rebels said at least ten soldiers died in the assault, article {i}."
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _environment(endpoint: str, workers: int, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env.update(
        EXTRACTOR_BASE_URL=endpoint,
        EXTRACTOR_MODEL="fake",
        EXTRACTOR_PROMPT="events.v1",
        EXTRACTOR_NO_CACHE="1",
        EXTRACTOR_DATA_DIR=str(data),
        EXTRACTOR_WORKERS=str(workers),
        EXTRACTOR_RATE_LIMIT="1000000",
        EXTRACTOR_KEY_CONCURRENCY="1000",
    )
    return env


# The library alone, in its own process like the service: ``extract_many`` at the same concurrency
# on the same articles, timed after the session has started. Prints the wall time in seconds.
_LIBRARY = """
import sys, time
from extractor import Article, Extractor, Settings
n, concurrency = int(sys.argv[1]), int(sys.argv[2])
articles = [Article(text=TEXT.format(i=i), article_id=f"a{i}") for i in range(n)]
import asyncio
with Extractor(Settings.from_env()) as session:
    session.extract("warm-up " + TEXT.format(i="w"))
    started = time.perf_counter()
    results = asyncio.run(session.aextract_many(articles, concurrency=concurrency))
    print(time.perf_counter() - started, sum(1 for r in results if hasattr(r, "events")))
"""


def library_wall(endpoint: str, concurrency: int, n: int, timeout: float) -> float:
    """Wall time of the library alone on ``n`` articles at ``concurrency`` (no HTTP, no database)."""
    with tempfile.TemporaryDirectory(prefix="bench-library-") as data:
        out = subprocess.run(
            [sys.executable, "-c", f"TEXT = {TEXT!r}\n{_LIBRARY}", str(n), str(concurrency)],
            env=_environment(endpoint, concurrency, Path(data)),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        ).stdout.split()
    wall, done = float(out[0]), int(out[1])
    assert done == n, f"{done} results for {n} articles"
    return wall


class Service:
    def __init__(self, endpoint: str, workers: int, data: Path, timeout: float) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = _environment(endpoint, workers, data)
        command = [
            sys.executable,
            "-c",
            "from extractor.cli import main; main()",
            "serve",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit("the service did not become ready")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def bench_extract(url: str, concurrency: int, n: int, timeout: float) -> dict[str, Any]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    outside: list[float] = []  # share of each request's latency spent outside the library
    limits = httpx.Limits(max_connections=concurrency + 4)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:

        async def one(i: int) -> None:
            async with gate:
                started = time.perf_counter()
                response = await client.post("/v1/extract", json={"text": TEXT.format(i=f"x{i}")})
                response.raise_for_status()
                latency = time.perf_counter() - started
                latencies.append(latency)
                outside.append(1 - response.json()["provenance"]["duration_s"] / latency)

        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n))), timeout)
        wall = time.perf_counter() - started
    return {"requests": n, "wall_s": wall, "per_s": n / wall, "latencies": latencies, "outside": outside}


def bench_job(url: str, n: int, timeout: float) -> dict[str, Any]:
    articles = [{"text": TEXT.format(i=i), "article_id": f"a{i}"} for i in range(n)]
    with httpx.Client(base_url=url, timeout=timeout) as client:
        started = time.perf_counter()
        job = client.post("/v1/jobs", json=articles).json()["id"]
        lines = client.get(f"/v1/jobs/{job}/results").text.splitlines()
        wall = time.perf_counter() - started
        status = client.get(f"/v1/jobs/{job}").json()
    assert len(lines) == n, f"{len(lines)} results for {n} articles"
    durations = [json.loads(line)["provenance"]["duration_s"] for line in lines]
    return {
        "articles": n,
        "wall_s": wall,
        "per_s": n / wall,
        "job_duration_s": status["duration_s"],
        "durations": durations,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delay-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--requests", type=int, default=48)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--out", type=Path, default=Path("out/bench_service.json"))
    args = parser.parse_args()
    delay = args.delay_ms / 1000
    fake = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "fake_llm.py"), "--delay-ms", str(args.delay_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    endpoint = fake.stdout.readline().strip()
    rows = []
    try:
        for c in [c for c in args.concurrency for _ in range(args.repeat)]:
            with tempfile.TemporaryDirectory(prefix="bench-service-") as data:
                service = Service(endpoint, c, Path(data), args.timeout)
                try:
                    extract = asyncio.run(bench_extract(service.url, c, args.requests, args.timeout))
                    job = bench_job(service.url, args.articles, args.timeout)
                finally:
                    service.stop()
            library = library_wall(endpoint, c, args.articles, args.timeout)
            lat = extract.pop("latencies")
            ideal = math.ceil(args.articles / c) * delay
            rows.append(
                {
                    "concurrency": c,
                    "extract_per_s": round(extract["per_s"], 2),
                    "extract_p50_s": round(statistics.median(lat), 4),
                    "extract_p95_s": round(_quantile(lat, 0.95), 4),
                    "extract_beyond_llm_share": round(statistics.median(1 - delay / x for x in lat), 4),
                    "extract_service_share": round(statistics.median(extract["outside"]), 4),
                    "job_articles": args.articles,
                    "job_wall_s": round(job["wall_s"], 3),
                    "job_per_s": round(job["per_s"], 2),
                    "job_article_p50_s": round(statistics.median(job["durations"]), 4),
                    "job_article_p95_s": round(_quantile(job["durations"], 0.95), 4),
                    "job_beyond_llm_share": round(1 - ideal / job["wall_s"], 4),
                    "job_service_share": round(1 - sum(job["durations"]) / (c * job["wall_s"]), 4),
                    "library_wall_s": round(library, 3),
                    "job_overhead_vs_library": round(1 - library / job["wall_s"], 4),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    finally:
        fake.terminate()
        fake.wait(timeout=30)
    report = {
        "command": " ".join(["python", "scripts/bench_service.py", *sys.argv[1:]]),
        "fake_llm_delay_ms": args.delay_ms,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
