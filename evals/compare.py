"""Compare two evaluation reports and gate on a headline figure.

``compare_reports(base, new)`` lists, per article, the gold records gained and lost (by
``global_id``), the slots of records matched in both that flipped between agree and disagree,
and every figure's delta. ``gate`` fails when a chosen headline figure dropped by more than a
tolerance. ``load_report`` refuses reports written in another report format or for another
record schema version.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from evals.report import REPORT_FORMAT, ArticleReport, Report, dropped_line, figure_label, headline_rows
from evals.scoring import PairScore
from schemas.events_v3 import SCHEMA_VERSION

__all__ = [
    "ArticleChange",
    "Comparison",
    "Delta",
    "ReportFormatError",
    "SlotFlip",
    "compare_reports",
    "exact_differences",
    "gate",
    "load_report",
    "render_comparison",
]

#: Figure changes smaller than this are treated as no change.
EPSILON = 1e-9


class ReportFormatError(ValueError):
    """A report cannot be read by this version: wrong report format or record schema version."""


class Delta(BaseModel):
    """A figure in the base and new report."""

    base: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        """new - base, or None when either is missing."""
        return None if self.base is None or self.new is None else self.new - self.base

    @property
    def changed(self) -> bool:
        """Whether the figure moved (or appeared/disappeared)."""
        d = self.delta
        return (self.base is None) != (self.new is None) or (d is not None and abs(d) > EPSILON)


class SlotFlip(BaseModel):
    """A slot of a gold record matched in both reports whose agreement flipped."""

    global_id: str
    slot: str
    gold: str | None
    base_pred: str | None
    new_pred: str | None
    base_agree: bool
    new_agree: bool


class ArticleChange(BaseModel):
    """What changed for one article."""

    article_id: str
    gained: list[str] = Field(
        default_factory=list, description="Gold records matched only in the new report."
    )
    lost: list[str] = Field(default_factory=list, description="Gold records matched only in the base report.")
    flips: list[SlotFlip] = Field(default_factory=list)
    figures: dict[str, Delta] = Field(default_factory=dict)
    base_error: str | None = None
    new_error: str | None = None

    @property
    def changed(self) -> bool:
        """Whether anything changed for this article."""
        return bool(
            self.gained
            or self.lost
            or self.flips
            or self.base_error != self.new_error
            or any(d.changed for d in self.figures.values())
        )


class Comparison(BaseModel):
    """Differences between a base and a new report."""

    base_created_at: str
    new_created_at: str
    base_name: str = Field(default="base", description="Prompt, model and mode of the base run.")
    new_name: str = Field(default="new", description="Prompt, model and mode of the new run.")
    basis: dict[str, tuple[str, str]] = Field(
        default_factory=dict,
        description="Per figure: (base, new) shown value and counts; a ratio over nothing shows n/a.",
    )
    dropped: tuple[str, str] = ("", "")
    headline: dict[str, Delta]
    articles: list[ArticleChange]
    only_in_base: list[str] = Field(
        default_factory=list, description="Articles scored only in the base report."
    )
    only_in_new: list[str] = Field(
        default_factory=list, description="Articles scored only in the new report."
    )

    @property
    def changed(self) -> bool:
        """Whether anything differs at all."""
        return bool(
            self.only_in_base
            or self.only_in_new
            or any(d.changed for d in self.headline.values())
            or any(b != n for b, n in self.basis.values())
            or self.dropped[0] != self.dropped[1]
            or any(a.changed for a in self.articles)
        )


def _deltas(base: dict[str, float], new: dict[str, float]) -> dict[str, Delta]:
    keys = list(dict.fromkeys([*base, *new]))
    return {k: Delta(base=base.get(k), new=new.get(k)) for k in keys}


def _keyed(matches: list[PairScore]) -> dict[str, PairScore]:
    """Matches by gold global_id; a repeated id within one article gets '#2', '#3'... by gold order."""
    out: dict[str, PairScore] = {}
    for m in sorted(matches, key=lambda m: m.gold_index):
        key, n = m.global_id, 1
        while key in out:
            n += 1
            key = f"{m.global_id}#{n}"
        out[key] = m
    return out


def _compare_article(base: ArticleReport, new: ArticleReport) -> ArticleChange:
    b, n = _keyed(base.matches), _keyed(new.matches)
    flips = []
    for key in b.keys() & n.keys():
        new_slots = {s.slot: s for s in n[key].slots}
        for bf in b[key].slots:
            nf = new_slots.get(bf.slot)
            if nf is not None and nf.agree != bf.agree:
                flips.append(
                    SlotFlip(
                        global_id=key,
                        slot=bf.slot,
                        gold=nf.gold,
                        base_pred=bf.pred,
                        new_pred=nf.pred,
                        base_agree=bf.agree,
                        new_agree=nf.agree,
                    )
                )
    return ArticleChange(
        article_id=base.article_id,
        gained=sorted(n.keys() - b.keys()),
        lost=sorted(b.keys() - n.keys()),
        flips=sorted(flips, key=lambda f: (f.global_id, f.slot)),
        figures=_deltas(base.figures, new.figures),
        base_error=base.error,
        new_error=new.error,
    )


def compare_reports(base: Report, new: Report) -> Comparison:
    """Per article and per field, what changed from ``base`` to ``new``; headline deltas."""
    base_articles = {a.article_id: a for a in base.articles}
    new_articles = {a.article_id: a for a in new.articles}
    common = [k for k in base_articles if k in new_articles]
    base_rows = {k: (v, b) for k, (_, v, b) in zip(base.headline, headline_rows(base), strict=True)}
    new_rows = {k: (v, b) for k, (_, v, b) in zip(new.headline, headline_rows(new), strict=True)}
    return Comparison(
        base_created_at=base.created_at.isoformat(),
        new_created_at=new.created_at.isoformat(),
        base_name=_run_name(base),
        new_name=_run_name(new),
        basis={
            k: (" ".join(base_rows.get(k, ("", ""))), " ".join(new_rows.get(k, ("", ""))))
            for k in base.headline
        },
        dropped=(dropped_line(base), dropped_line(new)),
        headline=_deltas(base.headline, new.headline),
        articles=[_compare_article(base_articles[k], new_articles[k]) for k in common],
        only_in_base=sorted(base_articles.keys() - new_articles.keys()),
        only_in_new=sorted(new_articles.keys() - base_articles.keys()),
    )


def _run_name(report: Report) -> str:
    return (
        f"{report.prompt_id}.v{report.prompt_version} · {report.model} · {report.mode} · "
        f"{report.created_at.isoformat(timespec='seconds')}"
    )


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


def load_report(path: Path) -> Report:
    """Read report.json; ``ReportFormatError`` when its report format or schema version is not current."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportFormatError(f"{path}: cannot read report: {exc}") from exc
    if not isinstance(raw, dict):
        raise ReportFormatError(f"{path}: not a report (expected a JSON object)")
    found_format, found_schema = raw.get("report_format"), raw.get("schema_version")
    if found_format != REPORT_FORMAT:
        raise ReportFormatError(
            f"{path}: report format {found_format!r} cannot be read; this version reads {REPORT_FORMAT!r}. "
            "Re-run the evaluation to produce a current report."
        )
    if found_schema != SCHEMA_VERSION:
        raise ReportFormatError(
            f"{path}: report was made for record schema {found_schema!r} but the current schema is "
            f"{SCHEMA_VERSION!r}; reports of different schema versions are not comparable. "
            "Re-run the evaluation of the base."
        )
    try:
        return Report.model_validate(raw)
    except ValidationError as exc:
        raise ReportFormatError(f"{path}: invalid report: {exc}") from exc


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


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
