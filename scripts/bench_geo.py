"""Benchmark of the geoparser: gazetteer build time and memory, time per toponym, and linear scaling.

    python scripts/bench_geo.py [--json OUT]

Runs two fresh processes against an empty temporary cache folder (``geo.use_cache_dir``):

* cold, the first process: the gazetteer built from the data packages and written to the cache
  folder; wall and CPU time, resident memory after it and the peak (VmRSS, VmHWM), size on disk;
* warm, the next process: the gazetteer read back from the cache; the same figures; then, in
  that process:
* resolution: articles of 20 toponyms each (names drawn with a fixed seed from the gazetteer's
  own places, so no article text is involved), the time per toponym after loading;
* bad input at scale: articles of 1,000, 2,000 and 4,000 place mentions (the 2,000 one about
  200 KB), to show the time grows linearly, and an article naming 30 countries.

Goals: under 400 MB resident, under 2 ms per toponym after loading. Wall and CPU
times are both given, with the load average: on a shared machine the CPU time is the steadier.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractor.geo import Context, gazetteer, resolve_places, use_cache_dir


def _status(field: str) -> float:
    """A /proc/self/status memory figure in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _article(names: list[str]) -> tuple[str, list[tuple[int, int]]]:
    parts, spans, pos = [], [], 0
    for i, name in enumerate(names):
        prefix = (
            " Local officials said on Tuesday morning that heavy clashes between rival armed groups "
            "were reported in "
            if i % 2 == 0
            else ", and residents said that more shelling was heard later that evening near "
        )
        sentence = f"{prefix}{name}"
        spans.append((pos + len(prefix), pos + len(sentence)))
        tail = "." if i % 2 else ""
        parts.append(sentence + tail)
        pos += len(sentence) + len(tail)
    return "".join(parts), spans


def _load(phase: str) -> dict[str, float]:
    """Load the gazetteer (built or read, as the cache folder has it) and measure it."""
    figures: dict[str, float] = {f"{phase}_rss_before_mb": round(_status("VmRSS"), 1)}
    started, cpu = time.perf_counter(), time.process_time()
    gaz = gazetteer()
    figures[f"{phase}_s"] = round(time.perf_counter() - started, 2)
    figures[f"{phase}_cpu_s"] = round(time.process_time() - cpu, 2)
    figures[f"{phase}_rss_mb"] = round(_status("VmRSS"), 1)
    figures[f"{phase}_peak_rss_mb"] = round(_status("VmHWM"), 1)
    figures["entries"] = len(gaz.names)
    figures["keys"] = len(gaz.keys)
    return figures


def _resolution() -> dict[str, float]:
    figures: dict[str, float] = {}
    gaz = gazetteer()
    rng = random.Random(17)
    places = [n for n, k in zip(gaz.names, gaz.kind, strict=True) if k == 4 and n.isascii()]
    articles = [_article(rng.sample(places, 20)) for _ in range(100)]
    started, cpu = time.perf_counter(), time.process_time()
    for text, spans in articles:
        resolve_places(text, spans, Context())
    toponyms = sum(len(s) for _, s in articles)
    figures["ms_per_toponym"] = round((time.perf_counter() - started) * 1000 / toponyms, 3)
    figures["cpu_ms_per_toponym"] = round((time.process_time() - cpu) * 1000 / toponyms, 3)

    for count in (1000, 2000, 4000):
        text, spans = _article([rng.choice(places) for _ in range(count)])
        started, cpu = time.perf_counter(), time.process_time()
        resolved = resolve_places(text, spans, Context())
        figures[f"article_{count}_mentions_kb"] = round(len(text.encode()) / 1024, 1)
        figures[f"article_{count}_mentions_s"] = round(time.perf_counter() - started, 3)
        figures[f"article_{count}_mentions_cpu_s"] = round(time.process_time() - cpu, 3)
        assert len(resolved) == count

    countries = [gaz.names[e] for e in sorted(gaz.alpha3)][:30]
    text, spans = _article(countries)
    started = time.perf_counter()
    resolve_places(text, spans, Context())
    figures["article_30_countries_ms"] = round((time.perf_counter() - started) * 1000, 2)
    figures["rss_end_mb"] = round(_status("VmRSS"), 1)
    figures["peak_rss_end_mb"] = round(_status("VmHWM"), 1)
    return figures


def _phase(phase: str, cache: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--cache", str(cache)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--phase", choices=("cold", "warm"), help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # one of the two measured processes: figures as one JSON line on stdout
        use_cache_dir(args.cache)
        figures = _load(args.phase) | (_resolution() if args.phase == "warm" else {})
        print(json.dumps(figures))
        return
    figures = {"load_average_1min_start": round(os.getloadavg()[0], 2)}
    cache = Path(tempfile.mkdtemp(prefix="bench-geo-"))
    try:
        figures |= _phase("cold", cache)
        figures["cache_on_disk_mb"] = round(
            sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / 2**20, 1
        )
        figures |= _phase("warm", cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    figures["load_average_1min_end"] = round(os.getloadavg()[0], 2)
    for name, value in figures.items():
        print(f"{name:32} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
