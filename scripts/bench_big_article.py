"""Benchmark: time and peak memory of one big article, code only (no LLM), by article size.

    python scripts/bench_big_article.py [--chars 50000 100000 200000] [--repeat 1] [--json OUT]

Each size runs in a fresh Python process (so that its peak resident memory, ``ru_maxrss``, is its
own): the process loads the pipeline, extracts one warm-up sentence (spaCy's model is loaded
then), and then extracts one synthetic article of that many characters with the default prompt,
code only (``EXTRACTOR_ADJUDICATE=0``). Reported: the article's wall time and CPU time (this
process, all its threads: on a shared machine wall time also counts waiting for a core), the
process's peak memory, and the peak memory before the article (the pipeline and its models). The article is
generated from neutral templates (invented places and actors, varied sentences, some reporting a
clash with casualties, most not), seeded, so every run extracts the same text. A measurement,
not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_PLACES = ["Northfield", "Eastbrook", "Westmarch", "Southvale", "Red Hill", "Lakeside", "Stonebridge"]
_ACTORS = ["Gunmen", "Rebels", "Soldiers", "Police", "Militants", "Protesters", "Villagers"]
_TARGETS = ["a convoy", "an army post", "a market", "a checkpoint", "a police station", "a village"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TEMPLATES = [
    "{actor} attacked {target} near {place} on {day}, killing {n} people, officials said.",
    "{actor} clashed with security forces in {place} on {day}; {n} were wounded, witnesses said.",
    "The council of {place} met on {day} to discuss the budget for roads and schools.",
    "Residents of {place} said prices of bread and fuel had risen again this month.",
    "{actor} gathered outside the town hall in {place} on {day} to demand better services.",
    "A spokesman said the situation in {place} was calm, and that patrols would continue.",
    "Aid groups said {n} families had fled {place} since the fighting began last year.",
    "The report, published on {day}, lists {n} incidents in the region over six months.",
]


def synthetic_article(chars: int, seed: int = 7) -> str:
    """About ``chars`` characters of news-like paragraphs, the same for the same seed."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        sentences = [
            rng.choice(_TEMPLATES).format(
                actor=rng.choice(_ACTORS),
                target=rng.choice(_TARGETS),
                place=rng.choice(_PLACES),
                day=rng.choice(_DAYS),
                n=rng.randint(2, 40),
            )
            for _ in range(rng.randint(2, 5))
        ]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:chars].rsplit(" ", 1)[0] + "."


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _child(chars: int) -> dict[str, Any]:
    from extractor.pipeline import Extractor  # noqa: PLC0415 - timed in the child only
    from extractor.settings import Settings  # noqa: PLC0415

    text = synthetic_article(chars)
    settings = Settings.from_env(adjudicate=False, use_cache=False)
    with Extractor(settings) as session:
        session.extract("Gunmen attacked a convoy near Northfield on Monday, killing 3 people.")
        before = _peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        result = session.extract(text, published="2024-05-01")
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "chars": len(text),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_mb": round(_peak_mb(), 1),
        "peak_before_mb": round(before, 1),
        "events": len(result.events),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path, help="Write the rows here too.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(_child(args.child)))
        return
    env = {**os.environ, "EXTRACTOR_ADJUDICATE": "0"}
    rows = []
    for chars in args.chars:
        for _ in range(args.repeat):
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(chars)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            row = rows[-1]
            print(
                f"{row['chars']:>8} chars: {row['wall_s']:>6.2f} s wall, {row['cpu_s']:>6.2f} s CPU, "
                f"peak {row['peak_mb']:>6.0f} MB "
                f"(pipeline alone {row['peak_before_mb']:.0f} MB), {row['events']} events",
                flush=True,
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
