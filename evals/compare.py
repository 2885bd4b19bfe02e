"""Compare two evaluation reports.

``compare_reports(base, new)`` lists, per article, the gold records gained and lost (by
``global_id``), the slots of records matched in both that flipped between agree and disagree,
and every figure's delta. The gates on a comparison are in ``evals.gate``; reports are read by
``evals.report.load_report`` and the comparison is rendered by ``evals.report.render_comparison``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from evals.report import ArticleReport, Report, dropped_line, headline_rows
from evals.scoring import PairScore

__all__ = ["EPSILON", "ArticleChange", "Comparison", "Delta", "SlotFlip", "compare_reports"]

#: Figure changes smaller than this are treated as no change.
EPSILON = 1e-9


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
