"""report.md: run header, headline table, per-article and per-slot tables, errors."""

from __future__ import annotations

from evals.scoring import (
    SLOTS,
)

from .model import Report
from .text import dropped_line, fmt, fmt_ratio, headline_rows

__all__ = ["render_markdown"]


def _md(value: object) -> str:
    """A markdown table cell: pipes and angle brackets escaped, newlines folded."""
    return str(value).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """report.md: run header, headline table, per-article table, per-field table, errors."""
    lines = [
        "# Extraction evaluation",
        "",
        f"- report format: `{report.report_format}`, schema: `{report.schema_version}`",
        f"- created: {report.created_at.isoformat(timespec='seconds')}, mode: {report.mode}",
        f"- prompt: {report.prompt_id} v{report.prompt_version} (`{report.prompt_sha256}`), "
        f"model: {_md(report.model)}",
        f"- articles: {len(report.articles)}, match threshold: {report.threshold}",
        "",
        "## Headline (micro over all articles)",
        "",
        "| Figure | Value | Basis |",
        "|---|---:|---|",
        *(f"| {label} | {value} | {basis} |" for label, value, basis in headline_rows(report)),
        "",
        dropped_line(report),
        "",
        "## Per article",
        "",
        "| Article | Gold | Pred | Event P | Event R | Event F1 | Typed F1 | Claim F1 | Attribution "
        "| Grounding | Error |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for a in report.articles:
        ev = a.tally.events
        lines.append(
            f"| {_md(a.article_id)} | {ev.tp + ev.fn} | {ev.tp + ev.fp} | {fmt(ev.precision)} | "
            f"{fmt(ev.recall)} | {fmt(ev.f1)} | {fmt(a.tally.events_typed.f1)} | "
            f"{fmt(a.tally.claims.f1)} | "
            f"{fmt_ratio(a.tally.attribution)} | {fmt_ratio(a.tally.grounding)} | {_md(a.error or '')} |"
        )
    lines += [
        "",
        "## Per field (micro)",
        "",
        "| Field | TP | FP | FN | P | R | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [("events (untyped)", report.totals.events), ("events (typed)", report.totals.events_typed)]
    rows += [(s, report.totals.slots[s]) for s in SLOTS]
    rows.append(("casualty claims", report.totals.claims))
    for name, c in rows:
        lines.append(
            f"| {name} | {c.tp} | {c.fp} | {c.fn} | {fmt(c.precision)} | {fmt(c.recall)} | {fmt(c.f1)} |"
        )
    t = report.totals
    lines += [
        f"| attribution (matched claims) | {t.attribution.hits} / {t.attribution.total} | | | | | "
        f"{fmt_ratio(t.attribution)} |",
        f"| grounding (predicted quotes) | {t.grounding.hits} / {t.grounding.total} | | | | | "
        f"{fmt_ratio(t.grounding)} |",
        "",
        "## Dropped by the extractor",
        "",
        "| Returned | Kept | Events dropped | Claims dropped | Validation errors | Warnings |",
        "|---:|---:|---:|---:|---:|---:|",
        "| " + " | ".join(str(v) for v in report.dropped.model_dump().values()) + " |",
    ]
    if report.errors:
        lines += ["", "## Errors", ""]
        lines += [f"- `{_md(k)}`: {_md(v)}" for k, v in report.errors.items()]
    return "\n".join(lines) + "\n"
