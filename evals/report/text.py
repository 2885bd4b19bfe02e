"""Words and numbers of a report shared by every face (markdown, HTML, console, compare)."""

from __future__ import annotations

from evals.scoring import (
    SLOTS,
    Ratio,
)

from .model import CODE_ONLY, Report

__all__ = ["decided_line", "dropped_line", "figure_label", "fmt", "fmt_ratio", "headline_rows"]


_FIGURE_LABELS = {
    "event_f1": "Event F1 (untyped)",
    "event_f1_typed": "Event F1 (typed)",
    **{f"slot_f1.{s}": f"Slot F1: {s}" for s in SLOTS},
    "claim_f1": "Casualty-claim F1",
    "attribution_accuracy": "Attribution accuracy",
    "grounding_rate": "Grounding rate",
}


def figure_label(name: str) -> str:
    """Human-readable label of a headline figure name."""
    return _FIGURE_LABELS.get(name, name)


def fmt(value: float) -> str:
    return f"{value:.3f}"


def fmt_ratio(ratio: Ratio) -> str:
    """A ratio's value, or "n/a" when it is over nothing (its 1.0 would read as a perfect score)."""
    return "n/a" if ratio.total == 0 else fmt(ratio.value)


def headline_rows(report: Report) -> list[tuple[str, str, str]]:
    """(label, value, basis) per headline figure. A ratio over nothing shows "n/a", not its 1.0."""
    t = report.totals
    basis: dict[str, tuple[str, bool]] = {
        "event_f1": (f"TP {t.events.tp} FP {t.events.fp} FN {t.events.fn}", False),
        "event_f1_typed": (f"TP {t.events_typed.tp} FP {t.events_typed.fp} FN {t.events_typed.fn}", False),
        "claim_f1": (f"TP {t.claims.tp} FP {t.claims.fp} FN {t.claims.fn}", False),
        "attribution_accuracy": (
            f"{t.attribution.hits}/{t.attribution.total} matched claims",
            t.attribution.total == 0,
        ),
        "grounding_rate": (
            f"{t.grounding.hits}/{t.grounding.total} predicted quotes",
            t.grounding.total == 0,
        ),
    }
    for slot, counts in t.slots.items():
        basis[f"slot_f1.{slot}"] = (f"TP {counts.tp} FP {counts.fp} FN {counts.fn}", False)
    rows = []
    for name, value in report.headline.items():
        text, empty = basis.get(name, ("", False))
        rows.append((figure_label(name), "n/a" if empty else fmt(value), text))
    return rows


def decided_line(report: Report) -> str:
    """Who decided the records: "code only", or the LLM's role, model and endpoint."""
    if report.decided_by is not None:
        return report.decided_by
    return f"model {report.model}" if report.model else "not recorded"


def dropped_line(report: Report) -> str:
    """What became of the drafted events: proposed by code alone, or returned by the LLM."""
    d = report.dropped
    kept = (
        f"kept {d.events_kept}, dropped {d.events_dropped} (ungrounded or invalid); "
        f"{d.claims_dropped} casualty claim(s) dropped"
    )
    if report.decided_by == CODE_ONLY:
        return f"Code proposed {d.events_returned} event(s) (no LLM call); {kept}"
    if report.decided_by is not None and report.decided_by.startswith("LLM adjudication"):
        drafted = f"{d.events_returned} event(s) drafted from code's candidates as the LLM adjudicated"
    else:
        drafted = f"LLM returned {d.events_returned} event(s)"
    return f"{drafted}; {kept}; {d.validation_errors} validation error(s) sent back as re-asks"
