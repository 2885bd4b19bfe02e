"""The markdown of the evaluation: report.md (run header, headline table, per-article and per-slot
tables, errors) and the comparison of two reports (``extractor eval compare``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evals.scoring import SLOTS

from .candidates import candidates_markdown
from .model import Report
from .text import decided_line, dropped_line, figure_label, fmt, fmt_ratio, headline_rows

if TYPE_CHECKING:  # evals.compare builds on this package; its models are only read here
    from evals.compare import Comparison

__all__ = ["corpus_markdown", "render_comparison", "render_markdown"]

_METRICS = (("muc", "MUC"), ("b_cubed", "B-cubed"), ("ceaf_e", "CEAF-e"), ("blanc", "BLANC"))


def _md(value: object) -> str:
    """A markdown table cell: pipes and angle brackets escaped, newlines folded."""
    return str(value).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def corpus_markdown(report: Report) -> list[str]:
    """The corpus section: coreference figures (gold mentions, end to end) and the merged events."""
    c = report.corpus
    if c is None:
        return []
    g, e = c.gold_mentions, c.end_to_end
    lines = [
        "",
        "## Corpus: the same event merged across articles",
        "",
        f"Merge threshold {c.threshold}; scored against the gold `global_id`s. Gold mentions: "
        f"{g.key_mentions} gold records in {g.key_entities} real-world events, merged into "
        f"{g.response_entities}. End to end: {e.response_mentions} predicted records merged into "
        f"{e.response_entities} corpus events.",
        "",
        "| Metric | Gold mentions R | P | F1 | End to end R | P | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in _METRICS:
        a, b = getattr(g, name), getattr(e, name)
        lines.append(
            f"| {label} | {fmt(a.recall)} | {fmt(a.precision)} | {fmt(a.f1)} | "
            f"{fmt(b.recall)} | {fmt(b.precision)} | {fmt(b.f1)} |"
        )
    lines += [f"| **CoNLL F1** | | | **{fmt(g.conll_f1)}** | | | **{fmt(e.conll_f1)}** |", ""]
    for ev in c.events:
        claims = "; ".join(
            f"{cl.count} {cl.kind} by {_md(cl.claimed_by or 'reporter')} ({_md(cl.article_id)})"
            for cl in ev.claims
        )
        lines.append(
            f"- `{ev.event_id}` {_md(ev.event_type)}, {ev.date.value or 'undated'}, "
            f"{len(ev.mentions)} mention(s) from {len(ev.sources)} source(s); fatalities "
            f"{ev.fatalities if ev.fatalities is not None else 'n/a'}"
            + (f"; claims: {claims}" if claims else "")
        )
    return lines


def render_markdown(report: Report) -> str:
    """report.md: run header, headline table, per-article table, per-field table, errors."""
    lines = [
        "# Extraction evaluation",
        "",
        f"- report format: `{report.report_format}`, schema: `{report.schema_version}`",
        f"- created: {report.created_at.isoformat(timespec='seconds')}, mode: {report.mode}",
        f"- prompt: {report.prompt_id} v{report.prompt_version} (`{report.prompt_sha256}`)",
        f"- decided by: {_md(decided_line(report))}",
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
    lines += candidates_markdown(report)
    lines += corpus_markdown(report)
    if report.errors:
        lines += ["", "## Errors", ""]
        lines += [f"- `{_md(k)}`: {_md(v)}" for k, v in report.errors.items()]
    return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "–" if value is None else fmt(value)


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.3f}"


def render_comparison(comparison: Comparison) -> str:
    """The comparison as markdown: headline deltas, then per-article gains, losses and flips."""

    def shown(key: str, which: int, value: float | None) -> str:
        basis = comparison.basis.get(key)
        return basis[which] if basis else _fmt(value)

    lines = [
        f"# Comparison: {comparison.base_name} → {comparison.new_name}",
        "",
        "| Figure | Base | New | Δ |",
        "|---|---|---|---:|",
        *(
            f"| {figure_label(k)} | {shown(k, 0, d.base)} | {shown(k, 1, d.new)} | {_signed(d.delta)} |"
            for k, d in comparison.headline.items()
        ),
        "",
        f"- base: {comparison.dropped[0]}",
        f"- new: {comparison.dropped[1]}",
        "",
    ]
    if not comparison.changed:
        return "\n".join([*lines, "No changes.", ""])
    if comparison.only_in_base:
        lines.append(f"Only in base: {', '.join(comparison.only_in_base)}")
    if comparison.only_in_new:
        lines.append(f"Only in new: {', '.join(comparison.only_in_new)}")
    for a in comparison.articles:
        if not a.changed:
            continue
        lines += ["", f"## {a.article_id}", ""]
        if a.base_error != a.new_error:
            lines.append(f"- error: {a.base_error or 'none'} → {a.new_error or 'none'}")
        if a.gained:
            lines.append(f"- records gained: {', '.join(a.gained)}")
        if a.lost:
            lines.append(f"- records lost: {', '.join(a.lost)}")
        for f in a.flips:
            verdict = "now agrees" if f.new_agree else "now disagrees"
            lines.append(
                f"- `{f.global_id}` {f.slot} {verdict}: gold {f.gold!r}, "
                f"base {f.base_pred!r} → new {f.new_pred!r}"
            )
        moved = {k: d for k, d in a.figures.items() if d.changed}
        if moved:
            lines.append(
                "- figures: " + ", ".join(f"{k} {_fmt(d.base)} → {_fmt(d.new)}" for k, d in moved.items())
            )
    return "\n".join(lines) + "\n"
