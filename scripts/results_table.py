"""Print a Markdown table of headline figures from eval reports (used for evals/README.md).

python scripts/results_table.py evals/reports/events.v1/report.json evals/reports/events.v2/report.json ...
"""

from __future__ import annotations

import sys
from pathlib import Path

from evals.report import Report, figure_label, load_report


def _tokens(report: Report) -> str:
    used = [a.provenance.usage for a in report.articles if a.provenance]
    return f"{sum(u.prompt_tokens for u in used)} / {sum(u.completion_tokens for u in used)}"


def main(paths: list[Path]) -> None:
    reports = [load_report(p) for p in paths]
    names = [f"{r.prompt_id}.v{r.prompt_version}" for r in reports]
    print("| Figure | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(reports))
    for key in reports[0].headline:
        cells = []
        for r in reports:
            t = r.totals
            empty = (key == "grounding_rate" and t.grounding.total == 0) or (
                key == "attribution_accuracy" and t.attribution.total == 0
            )
            cells.append("n/a" if empty else f"{r.headline[key]:.3f}")
        print(f"| {figure_label(key)} | " + " | ".join(cells) + " |")
    for label, get in [
        ("events returned by the LLM", lambda r: r.dropped.events_returned),
        ("events kept (grounded)", lambda r: r.dropped.events_kept),
        ("events dropped", lambda r: r.dropped.events_dropped),
        (
            "predicted quotes at their offsets",
            lambda r: f"{r.totals.grounding.hits}/{r.totals.grounding.total}",
        ),
        (
            "matched events (TP) / gold events",
            lambda r: f"{r.totals.events.tp}/{r.totals.events.tp + r.totals.events.fn}",
        ),
        ("validation errors sent back (re-asks)", lambda r: r.dropped.validation_errors),
        ("articles failed", lambda r: len(r.errors)),
        (
            "LLM answers (1 + re-asks, all articles)",
            lambda r: sum(a.provenance.attempts for a in r.articles if a.provenance),
        ),
        ("tokens in / out (all articles)", _tokens),
    ]:
        print(f"| {label} | " + " | ".join(str(get(r)) for r in reports) + " |")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]])
