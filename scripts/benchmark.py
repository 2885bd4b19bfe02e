"""Benchmark: per-article wall time, time inside LLM calls, tokens and the framework's own overhead.

    python scripts/benchmark.py [--prompt events.v1] [--repeat 3] [--live] [--out out/bench.json]

Replay (always run) plays the recorded answers through the same client, instructor, grounding and
derivation code, so its wall time is the framework's overhead with a near-zero "LLM". ``--live``
also runs against the configured endpoint (or the embedded model) with the cache off. Figures are
medians over ``--repeat`` runs (live: one run). A measurement, not a test: nothing is asserted.
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

from evals.gold import load_all_gold
from evals.recording import make_vcr
from evals.runner import RECORDINGS_DIR, load_eval_articles, recorded_settings
from extractor.inputs import Article
from extractor.pipeline import Extractor
from extractor.settings import Settings


def _measure(session: Extractor, article: Article, prompt: str, cassette: Path | None) -> dict[str, Any]:
    started = time.perf_counter()
    if cassette is None:
        result = session.extract_article(article, prompt=prompt)
    else:
        with make_vcr("none").use_cassette(str(cassette)):
            result = session.extract_article(article, prompt=prompt)
    wall = time.perf_counter() - started
    p = result.provenance
    return {
        "wall_s": wall,
        "llm_s": p.llm_duration_s,
        "overhead_s": max(0.0, wall - p.llm_duration_s),
        "attempts": p.attempts,
        "prompt_tokens": p.usage.prompt_tokens,
        "completion_tokens": p.usage.completion_tokens,
        "events_kept": len(result.events),
    }


def run(mode: str, prompt: str, repeat: int) -> list[dict[str, Any]]:
    golds = load_all_gold()
    base = Settings.from_env()
    folder = RECORDINGS_DIR / prompt
    settings = recorded_settings(base, folder) if mode == "replay" else base.replace(use_cache=False)
    articles = load_eval_articles(golds, settings.extraction.max_article_chars)
    rows = []
    with Extractor(settings) as session:
        for article in articles:
            cassette = folder / f"{article.article_id}.yaml" if mode == "replay" else None
            runs = [_measure(session, article, prompt, cassette) for _ in range(repeat)]
            row: dict[str, Any] = {"mode": mode, "article_id": article.article_id, "chars": len(article.text)}
            for key in runs[0]:
                row[key] = statistics.median(r[key] for r in runs)
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompt", default="events.v1")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--live", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("out/bench.json"))
    args = parser.parse_args()
    rows = run("replay", args.prompt, args.repeat)
    if args.live:
        rows += run("live", args.prompt, 1)
    table = Table(title=f"benchmark: {args.prompt} (medians; replay x{args.repeat}, live x1)")
    for col in ("mode", "article", "chars", "wall s", "LLM s", "overhead ms", "attempts", "tokens in/out"):
        table.add_column(col, justify="right" if col not in ("mode", "article") else "left")
    for r in rows:
        table.add_row(
            r["mode"],
            r["article_id"][:20],
            str(r["chars"]),
            f"{r['wall_s']:.3f}",
            f"{r['llm_s']:.3f}",
            f"{r['overhead_s'] * 1000:.1f}",
            f"{r['attempts']:g}",
            f"{r['prompt_tokens']:g}/{r['completion_tokens']:g}",
        )
    Console().print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "prompt": args.prompt,
                "repeat": args.repeat,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
