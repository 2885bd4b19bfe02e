"""Benchmark of the code-only path (candidates strategy, no LLM): seconds per article after loading.

    python scripts/bench_code_only.py [--articles DIR ...] [--repeat 5] [--out out/bench_code_only.json]

Loads spaCy's pipeline, the gazetteer and the lexicons once (timed apart: the first article of
every set is extracted once before timing), then extracts every article of the five eval articles
(and of each ``--articles`` folder of ``<id>.txt`` files, read at run time) ``--repeat`` times with
``EXTRACTOR_ADJUDICATE`` off, the default with no endpoint. Reports, per set, the median seconds
per article and per 4,000 characters (each article's median over the repeats, scaled by its
length, then the median over articles), both wall-clock and CPU time of this process: on a shared
machine the wall-clock figure grows with the load (printed beside it), the CPU figure much less.
Also reports how the CPU time of spaCy's pipeline splits over its components on the same texts
(every component is used by some rule; see ``extractor/strategies/candidates/nlp.py``). A
measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
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
from extractor.strategies.candidates.layout import prepare
from extractor.strategies.candidates.nlp import load_pipeline

_PER: int = 4000


def _articles(folder: Path, max_chars: int) -> list[Article]:
    return [load_article(path, max_chars=max_chars) for path in sorted(folder.glob("*.txt"))]


def _median_scaled(rows: list[tuple[str, int, float, float]], column: int) -> tuple[float, float]:
    scaled = [row[column] * _PER / max(row[1], 1) for row in rows]
    return statistics.median(scaled), max(scaled)


def _measure(session: Extractor, articles: list[Article], repeat: int) -> dict[str, Any]:
    per_article: list[tuple[str, int, float, float]] = []
    for article in articles:
        wall, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            session.extract_article(article, prompt="events.v5")
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        per_article.append(
            (article.article_id, len(article.text), statistics.median(wall), statistics.median(cpu))
        )
    wall_median, wall_max = _median_scaled(per_article, 2)
    cpu_median, cpu_max = _median_scaled(per_article, 3)
    slowest = max(per_article, key=lambda row: row[2])
    return {
        "articles": len(per_article),
        "characters_median": statistics.median(n for _i, n, _w, _c in per_article),
        "seconds_per_article_median": statistics.median(w for _i, _n, w, _c in per_article),
        "seconds_per_4000_chars_median": wall_median,
        "seconds_per_4000_chars_max": wall_max,
        "cpu_seconds_per_4000_chars_median": cpu_median,
        "cpu_seconds_per_4000_chars_max": cpu_max,
        "slowest": {"article_id": slowest[0], "characters": slowest[1], "seconds": slowest[2]},
    }


def _components(articles: list[Article], repeat: int) -> dict[str, float]:
    """CPU seconds per 4,000 characters spent in each step of spaCy's pipeline (the tokenizer first)."""
    nlp = load_pipeline()
    texts = [prepare(article.text).text for article in articles]
    spent: dict[str, float] = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    for _ in range(repeat):
        for text in texts:
            started = time.process_time()
            doc = nlp.make_doc(text)
            spent["tokenizer"] += time.process_time() - started
            for name, component in nlp.pipeline:
                started = time.process_time()
                doc = component(doc)
                spent[name] += time.process_time() - started
    chars = sum(len(text) for text in texts) * repeat
    return {name: seconds * _PER / max(chars, 1) for name, seconds in spent.items()}


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
    loaded = {name: _articles(folder, settings.extraction.max_article_chars) for name, folder in sets.items()}
    load_before = os.getloadavg()
    with Extractor(settings) as session:
        started = time.perf_counter()
        for articles in loaded.values():  # loads spaCy, the gazetteer and the lexicons
            session.extract_article(articles[0], prompt="events.v5")
        loading = time.perf_counter() - started
        figures = {name: _measure(session, articles, args.repeat) for name, articles in loaded.items()}
    components = _components(loaded["eval articles"], args.repeat)
    load_after = os.getloadavg()
    report = {
        "loading_s": loading,
        "repeat": args.repeat,
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1min": {"before": load_before[0], "after": load_after[0]},
        "sets": figures,
        "spacy_cpu_seconds_per_4000_chars": components,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = Table(
        title=f"Code only, after loading ({loading:.1f} s once); median of {args.repeat} runs; "
        f"load average {load_before[0]:.1f} -> {load_after[0]:.1f} on {os.cpu_count()} CPUs"
    )
    columns = ("set", "articles", "median chars", "s / article", "s / 4,000 chars", "max s / 4,000",
               "CPU s / 4,000", "max CPU s / 4,000")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "set" else "right")
    for name, f in figures.items():
        table.add_row(
            name,
            str(f["articles"]),
            f"{f['characters_median']:.0f}",
            f"{f['seconds_per_article_median']:.3f}",
            f"{f['seconds_per_4000_chars_median']:.3f}",
            f"{f['seconds_per_4000_chars_max']:.3f}",
            f"{f['cpu_seconds_per_4000_chars_median']:.3f}",
            f"{f['cpu_seconds_per_4000_chars_max']:.3f}",
        )
    console = Console()
    console.print(table)
    spacy_total = sum(components.values())
    console.print(
        f"spaCy's pipeline on the eval articles: {spacy_total:.3f} CPU s / 4,000 chars: "
        + ", ".join(f"{name} {seconds:.3f}" for name, seconds in components.items())
    )


if __name__ == "__main__":
    main()
