"""The candidates section of a report: mentions merged and excluded, and the ceiling of the LLM path."""

from __future__ import annotations

from evals.ceiling import CEILING_FIELDS

from .model import Report
from .text import fmt_ratio

__all__ = ["candidates_markdown", "ceiling_rows"]

#: Which headline figure each ceiling field is compared with (none for the event itself: recall).
_ACHIEVED = {
    "event_type": "event_f1_typed",
    "date": "slot_f1.date",
    "countries": "slot_f1.countries",
    "place": "slot_f1.place",
    "actor1": "slot_f1.actor1",
    "actor2": "slot_f1.actor2",
    "claims": "claim_f1",
}


def ceiling_rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(field, ceiling, hits/total, this run's figure) for each field; empty without candidates."""
    c = report.candidates
    if c is None:
        return []
    rows = []
    for name in CEILING_FIELDS:
        ratio = c.ceiling.get(name)
        if ratio is None:
            continue
        achieved = report.headline.get(_ACHIEVED.get(name, ""), None)
        if name == "event":
            achieved = report.totals.events.recall
        rows.append(
            (
                name,
                fmt_ratio(ratio),
                f"{ratio.hits}/{ratio.total}",
                "" if achieved is None else f"{achieved:.3f}",
            )
        )
    return rows


def candidates_markdown(report: Report) -> list[str]:
    """Mentions found, merged and excluded by reason; the gold's exclusions proposed; the ceiling."""
    c = report.candidates
    if c is None:
        return []
    lines = [
        "",
        "## Code's candidates (the candidates strategy)",
        "",
        f"{c.mentions_found} mentions found in {c.articles} articles, {c.mentions_merged} merged into an "
        f"earlier mention of the same event, {c.mentions_proposed} proposed.",
        "",
        "| Excluded (sentence with a trigger, not an event) | Count |",
        "|---|---:|",
        *(f"| {reason} | {count} |" for reason, count in c.excluded.items()),
        "",
        "| Gold exclusion (rule) | Proposed as an event by code |",
        "|---|---:|",
        *(f"| {rule} | {r.hits}/{r.total} |" for rule, r in c.gold_excluded_proposed.items()),
        "",
        "**Ceiling of the LLM path**: per field, the share of gold events whose gold value is among the "
        "candidates code offers for them (claims: gold claims among the candidates' claims). A perfect "
        "adjudicator choosing among the candidates can reach no higher. *This run* is the run's own "
        "figure (event: recall; the others: F1).",
        "",
        "| Field | Ceiling | Gold events | This run |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {value} | {basis} | {achieved} |"
            for name, value, basis, achieved in ceiling_rows(report)
        ),
    ]
    return lines
