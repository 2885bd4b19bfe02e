"""Gates on two evaluation reports: a headline figure within a tolerance of the base (``gate``),
or, for deterministic replays, every figure and count identical (``exact_differences``)."""

from __future__ import annotations

from evals.report import Report

from .compare import EPSILON, Comparison

__all__ = ["exact_differences", "gate"]


def gate(comparison: Comparison, metric: str, tolerance: float) -> bool:
    """True (pass) unless headline ``metric`` dropped by more than ``tolerance`` from base to new.

    Raises ``KeyError`` naming the available figures when ``metric`` is unknown; a figure
    missing from the new report fails.
    """
    if metric not in comparison.headline:
        raise KeyError(f"unknown metric {metric!r}; available: {', '.join(comparison.headline)}")
    d = comparison.headline[metric]
    if d.new is None:
        return False
    if d.base is None:
        return True
    return d.new >= d.base - tolerance - EPSILON


def _flatten(prefix: str, value: object, out: dict[str, object]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten(f"{prefix}.{key}" if prefix else str(key), value[key], out)
    else:
        out[prefix] = value


def _counts(report: Report) -> dict[str, object]:
    """Every figure and count of a report that a deterministic replay must reproduce, by dotted name."""
    out: dict[str, object] = {}
    _flatten("headline", report.headline, out)
    _flatten("totals", report.totals.model_dump(), out)
    _flatten("dropped", report.dropped.model_dump(), out)
    out["errors"] = sorted(report.errors)
    if report.corpus is not None:
        _flatten("corpus", report.corpus.figures(), out)
        out["corpus.events"] = len(report.corpus.events)
        out["corpus.mentions"] = sum(len(e.mentions) for e in report.corpus.events)
    for a in report.articles:
        where = f"articles.{a.article_id}"
        _flatten(f"{where}.tally", a.tally.model_dump(), out)
        _flatten(f"{where}.dropped", a.dropped.model_dump() if a.dropped else {}, out)
        out[f"{where}.error"] = a.error is not None
        out[f"{where}.predictions"] = len(a.predictions)
        if a.provenance is not None:
            out[f"{where}.attempts"] = a.provenance.attempts
            _flatten(f"{where}.usage", a.provenance.usage.model_dump(), out)
    return out


def exact_differences(base: Report, new: Report) -> list[str]:
    """Every figure or count that differs between two reports, in either direction (empty: identical).

    For replayed runs, which are deterministic: any difference means the code changed what the
    recorded answers produce. Compared: headline figures, every total count, dropped counts,
    failed articles, the corpus merge's coreference figures (gold mentions and end to end) and
    corpus size, and per article the counts, dropped counts, predictions, attempts and tokens.
    """
    b, n = _counts(base), _counts(new)
    lines = []
    for key in sorted(b.keys() | n.keys()):
        old, now = b.get(key, "(absent)"), n.get(key, "(absent)")
        if isinstance(old, float) and isinstance(now, float) and abs(old - now) <= EPSILON:
            continue
        if old != now:
            lines.append(f"{key}: {old} -> {now}")
    return lines
