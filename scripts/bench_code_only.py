"""Benchmark of the code-only path (candidates strategy, no LLM): seconds per article after loading.

    python scripts/bench_code_only.py [--articles DIR ...] [--repeat 5] [--out out/bench_code_only.json]

Loads spaCy's pipeline and the gazetteer once (timed apart), then extracts every article of the
five eval articles (and of each ``--articles`` folder of ``<id>.txt`` files, read at run time)
``--repeat`` times with ``EXTRACTOR_ADJUDICATE`` off, the default with no endpoint. Reports, per
set, the median seconds per article and per 4,000 characters (each article's median over the
repeats, scaled by its length, then the median over articles) and the slowest article. A
measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from evals.gold import ARTICLES_DIR
from extractor.inputs import Article, load_article
from extractor.pipeline import Extractor
from extractor.settings import Settings

_PER: int = 4000


def _articles(folder: Path, max_chars: int) -> list[Article]:
    return [load_article(path, max_chars=max_chars) for path in sorted(folder.glob("*.txt"))]


def _measure(session: Extractor, articles: list[Article], repeat: int) -> dict[str, Any]:
    per_article = []
    for article in articles:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            session.extract_article(article, prompt="events.v5")
            times.append(time.perf_counter() - started)
        seconds = statistics.median(times)
        per_article.append((article.article_id, len(article.text), seconds))
    scaled = [s * _PER / max(n, 1) for _i, n, s in per_article]
    slowest = max(per_article, key=lambda row: row[2])
    return {
        "articles": len(per_article),
        "characters_median": statistics.median(n for _i, n, _s in per_article),
        "seconds_per_article_median": statistics.median(s for _i, _n, s in per_article),
        "seconds_per_4000_chars_median": statistics.median(scaled),
        "seconds_per_4000_chars_max": max(scaled),
        "slowest": {"article_id": slowest[0], "characters": slowest[1], "seconds": slowest[2]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles", type=Path, action="append", default=[], help="A folder of <id>.txt files."
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("out/bench_code_only.json"))
    args = parser.parse_args()
    settings = Settings.from_env(prompt="events.v5", adjudicate=False, use_cache=False)
    sets = {"eval articles": ARTICLES_DIR, **{str(folder): folder for folder in args.articles}}
    with Extractor(settings) as session:
        started = time.perf_counter()
        session.extract("Rebels attacked an army post on Monday, the army said.")  # loads spaCy + gazetteer
        loading = time.perf_counter() - started
        figures = {
            name: _measure(session, _articles(folder, settings.extraction.max_article_chars), args.repeat)
            for name, folder in sets.items()
        }
    report = {"loading_s": loading, "repeat": args.repeat, "machine": platform.platform(), "sets": figures}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = Table(title=f"Code only, after loading ({loading:.1f} s once); median of {args.repeat} runs")
    for column in ("set", "articles", "median chars", "s / article", "s / 4,000 chars", "max s / 4,000"):
        table.add_column(column, justify="left" if column == "set" else "right")
    for name, f in figures.items():
        table.add_row(
            name,
            str(f["articles"]),
            f"{f['characters_median']:.0f}",
            f"{f['seconds_per_article_median']:.3f}",
            f"{f['seconds_per_4000_chars_median']:.3f}",
            f"{f['seconds_per_4000_chars_max']:.3f}",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
