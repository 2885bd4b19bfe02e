"""Benchmark: the corpus merge's time and peak memory on synthetic article results.

    python scripts/bench_merge.py [--sizes 1000 10000 100000] [--seed 1] [--incremental 100]

Each size runs in a process of its own (so the peak resident memory, ``ru_maxrss``, is that
size's alone). A *record* is one article result (``events.v3``) with one to three events (1.75 on
average); each event reports one synthetic real-world event, in one of 60 countries over two
years; how many articles report one real event follows a power law (``ZIPF``: most once or
twice, a few by up to 300 articles, whatever the size). Each report is what a reader would see:
mostly dated to the day (15 % to the week or month, 3 % undated), 10 % without its country,
actor names in several forms ("Group 12", "Group 12 fighters").
Names are made up ("Town-17-3", "Group 12"): nothing of any article.

The records are frozen out of the garbage collector's passes before the merge (``gc.freeze``), as
``extractor merge`` does once it has read them. Printed per size: records, mentions, corpus events;
merge wall and CPU time (``extractor.merge``, which clusters; on a busy machine the CPU time is the
steadier figure); the CPU time to build every corpus event after it (``Corpus.events`` builds each
when read: what ``extractor merge`` does while writing them); the process's resident memory before
the merge (the records themselves) and its peak; and with ``--incremental N`` the service's path:
the same records added to an ``IncrementalCorpus`` in N batches, the corpus read after each batch
(as ``GET /v1/events`` does after new results), total and slowest read. A measurement, not a test:
nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import resource
import subprocess
import sys
import time
from typing import Any

COUNTRIES = 60
DAYS = 730
#: How many articles report one real event: P(k) proportional to k^-ZIPF, 1 <= k <= MAX_REPORTS
#: (most events once or twice, a few by hundreds of articles; mean about 1.9).
ZIPF = 2.5
MAX_REPORTS = 300
EVENT_TYPES = (
    "Armed clash",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Attack",
    "Abduction/forced disappearance",
    "Peaceful protest",
    "Protest with intervention",
    "Violent demonstration",
    "Mob violence",
    "Arrests",
    "Looting/property destruction",
)


def synthetic_results(size: int, seed: int) -> list[Any]:
    """``size`` synthetic article results (see the module doc)."""
    import pycountry  # noqa: PLC0415

    from evals.convert import GOLD_PROVENANCE  # noqa: PLC0415
    from extractor.derive import acled_categories  # noqa: PLC0415
    from schemas.events_v3 import ArticleResult, CasualtyClaim, Event, EventDate, Location, Span  # noqa: PLC0415

    rnd = random.Random(seed)
    codes = [c.alpha_3 for c in list(pycountry.countries)[:COUNTRIES]]
    first = dt.date(2022, 1, 1)
    sizes = list(range(1, MAX_REPORTS + 1))
    weights = [k**-ZIPF for k in sizes]
    wanted = int(size * 1.75)  # one to three events per article: 1.75 on average
    reports: list[int] = []  # one entry per mention: the real event it reports
    real = []
    while len(reports) < wanted:
        reports += [len(real)] * rnd.choices(sizes, weights=weights)[0]
        real.append(
            (
                rnd.choice(EVENT_TYPES),
                first + dt.timedelta(days=rnd.randrange(DAYS)),
                rnd.randrange(COUNTRIES),
                rnd.randrange(40),
                rnd.randrange(200),
                rnd.randrange(200),
                rnd.randint(0, 30),
            )
        )
    rnd.shuffle(reports)

    def span(text: str, at: int) -> Span:
        return Span(quote=text, start=at, end=at + len(text), alignment="exact")

    def mention(which: int, at: int) -> Event:
        kind, day, country, town, group, other, killed = real[which]
        roll = rnd.random()
        if roll < 0.03:
            value, precision = None, None
        elif roll < 0.10:
            value, precision = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}", "week"
        elif roll < 0.15:
            value, precision = day.strftime("%Y-%m"), "month"
        else:
            value, precision = day.isoformat(), "day"
        code = codes[country]
        located = rnd.random() > 0.1
        acled, disorder = acled_categories(kind)  # type: ignore[arg-type]
        actor1 = rnd.choice((f"Group {group}", f"Group {group} fighters", f"the Group {group}", None))
        return Event(
            event_type=kind,  # type: ignore[arg-type]
            acled_event_type=acled,
            disorder_type=disorder,
            date=EventDate(value=value, precision=precision),  # type: ignore[arg-type]
            locations=[
                Location(
                    country_code=code,
                    country_name=code,
                    place=span(f"Town-{country}-{town}", at + 5) if rnd.random() < 0.7 else None,
                )
            ]
            if located
            else [],
            actor1=span(actor1, at + 30) if actor1 else None,
            actor2=span(f"Unit {other}", at + 60) if rnd.random() < 0.5 else None,
            casualties=[
                CasualtyClaim(
                    kind="killed",
                    count=max(0, killed + rnd.randint(-2, 2)),
                    qualifier="exact",
                    claimed_by=span("officials", at + 90) if rnd.random() < 0.5 else None,
                    quote=span("people were killed", at + 100),
                )
            ]
            if killed
            else [],
            evidence=[span("the evidence sentence of this event", at)],
        )

    results = []
    for n in range(size):
        picks = [reports.pop() for _ in range(rnd.choice((1, 1, 2, 3))) if reports]
        events = [mention(which, 200 * i) for i, which in enumerate(dict.fromkeys(picks))]
        results.append(
            ArticleResult(
                article_id=f"synthetic-{n:06d}",
                url=f"https://news.example/{n}",
                events=events,
                provenance=GOLD_PROVENANCE,
            )
        )
    return results


def _rss_mb() -> float:
    """This process's resident memory now (Linux /proc), in MB."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def measure(size: int, seed: int, batches: int) -> dict[str, Any]:
    """One size, in this process."""
    from extractor import merge  # noqa: PLC0415
    from extractor.corpus import IncrementalCorpus  # noqa: PLC0415

    results = synthetic_results(size, seed)
    gc.freeze()  # as `extractor merge` does once it has read the results
    before = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    corpus = merge(results)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    built = time.process_time()
    for _event in corpus.events:  # every corpus event built, one at a time, as `extractor merge` writes
        pass
    built = time.process_time() - built
    out: dict[str, Any] = {
        "records": size,
        "mentions": sum(len(r.events) for r in results),
        "corpus_events": len(corpus.events),
        "merge_s": round(wall, 2),
        "merge_cpu_s": round(cpu, 2),
        "build_all_cpu_s": round(built, 2),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak),
    }
    if batches:
        del corpus
        incremental = IncrementalCorpus()
        step = max(1, size // batches)
        reads = []
        started = time.perf_counter()
        for at in range(0, size, step):
            for result in results[at : at + step]:
                incremental.add(result)
            read = time.perf_counter()
            incremental.corpus()
            reads.append(time.perf_counter() - read)
        out["incremental_total_s"] = round(time.perf_counter() - started, 2)
        out["incremental_batches"] = len(reads)
        out["slowest_read_s"] = round(max(reads), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--incremental", type=int, default=0, metavar="N", help="also add in N batches")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.seed, args.incremental)))
        return
    header = ["records", "mentions", "corpus_events", "merge_s", "merge_cpu_s", "build_all_cpu_s"]
    header += ["rss_before_mb", "peak_rss_mb"]
    if args.incremental:
        header += ["incremental_total_s", "incremental_batches", "slowest_read_s"]
    print(" | ".join(header))
    for size in args.sizes:
        child = [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)]
        child += ["--incremental", str(args.incremental)]
        done = subprocess.run(child, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout)
        print(" | ".join(str(row[h]) for h in header), flush=True)


if __name__ == "__main__":
    main()
