"""The report as data: a pydantic model built from results and gold by ``build_report``.

Next to the figures it records everything needed to audit them: per-record matches with both
values of every slot, misses, dropped-record diagnostics, each article's provenance and the
error of any article whose extraction failed (scored as zero predictions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal, cast, get_args

from pydantic import BaseModel, Field

from evals.ceiling import CandidateDiagnostics
from evals.gold import GoldArticle
from evals.scoring import (
    MATCH_THRESHOLD,
    PairScore,
    Tally,
    score_article,
    sum_tallies,
)
from evals.scoring.corpus import MergeScore, score_merge
from schemas.events_v3 import SCHEMA_VERSION, ArticleResult, Event, Provenance, Span

__all__ = [
    "CODE_ONLY",
    "REPORT_FORMAT",
    "ArticleReport",
    "DroppedCounts",
    "Miss",
    "Mode",
    "Report",
    "build_report",
]


#: ``Report.decided_by`` of a run in which code decided alone (no LLM call).
CODE_ONLY = "code only"

#: Version of the report layout; bump when a field changes meaning or disappears.
REPORT_FORMAT = "extractor-eval-report/2"

Mode = Literal["live", "replay", "record"]


class DroppedCounts(BaseModel):
    """What the extractor reported dropping on the way from LLM output to records."""

    events_returned: int = 0
    events_kept: int = 0
    events_dropped: int = 0
    claims_dropped: int = 0
    validation_errors: int = 0
    warnings: int = 0

    def __add__(self, other: DroppedCounts) -> DroppedCounts:
        return DroppedCounts(**{k: getattr(self, k) + getattr(other, k) for k in DroppedCounts.model_fields})


class Miss(BaseModel):
    """An unmatched gold record or prediction, summarised."""

    index: int
    global_id: str | None = Field(default=None, description="Gold records only.")
    event_type: str
    date: str | None
    countries: list[str] = Field(default_factory=list)
    actor1: str | None
    actor2: str | None
    evidence: str | None = Field(description="The first evidence quote.")


class ArticleReport(BaseModel):
    """Everything about one article."""

    article_id: str
    title: str | None = None
    error: str | None = Field(default=None, description="Extraction failure; the article is scored as empty.")
    figures: dict[str, float]
    tally: Tally
    matches: list[PairScore]
    missed_gold: list[Miss]
    spurious: list[Miss]
    predictions: list[Event] = Field(default_factory=list, description="The scored predicted records.")
    dropped: DroppedCounts | None = None
    provenance: Provenance | None = None


class Report(BaseModel):
    """One evaluation run."""

    report_format: str = REPORT_FORMAT
    schema_version: str = SCHEMA_VERSION
    created_at: dt.datetime
    mode: Mode
    prompt_id: str | None = None
    prompt_version: int | None = None
    prompt_sha256: str | None = None
    model: str | None = Field(default=None, description="The model that answered; none: code alone.")
    decided_by: str | None = Field(
        default=None,
        description="What decided the records, as resolved for the run: 'code only', or "
        "'LLM adjudication by MODEL at ENDPOINT' / 'LLM extraction by MODEL at ENDPOINT'.",
    )
    meta: dict[str, str] = Field(default_factory=dict, description="Any other run metadata, as strings.")
    threshold: float = MATCH_THRESHOLD
    headline: dict[str, float] = Field(description="Micro-averaged figures over the corpus.")
    totals: Tally
    dropped: DroppedCounts
    errors: dict[str, str] = Field(default_factory=dict, description="article_id -> error message.")
    unscored: list[str] = Field(default_factory=list, description="Results for articles without gold.")
    articles: list[ArticleReport]
    corpus: MergeScore | None = Field(
        default=None,
        description="The merge across articles: coreference figures against the gold global_ids "
        "(on gold mentions and end to end) and the corpus merged from the predictions.",
    )
    candidates: CandidateDiagnostics | None = Field(
        default=None,
        description="Candidates strategy only: code's mentions merged and excluded by reason, and the "
        "ceiling of the LLM path (per field, gold values among the candidates offered).",
    )


def span_text(span: Span | None) -> str | None:
    return None if span is None else span.quote


def _miss_pred(index: int, event: Event) -> Miss:
    return Miss(
        index=index,
        event_type=event.event_type,
        date=event.date.value,
        countries=[c for loc in event.locations if (c := loc.country_name or span_text(loc.country))],
        actor1=span_text(event.actor1),
        actor2=span_text(event.actor2),
        evidence=event.evidence[0].quote if event.evidence else None,
    )


def _dropped(result: ArticleResult) -> DroppedCounts:
    d = result.diagnostics
    return DroppedCounts(
        events_returned=d.events_returned,
        events_kept=d.events_kept,
        events_dropped=len(d.dropped),
        claims_dropped=d.claims_dropped,
        validation_errors=len(d.validation_errors),
        warnings=len(d.warnings),
    )


def _article_report(
    result: ArticleResult | str | None, gold: GoldArticle, text: str, threshold: float
) -> ArticleReport:
    if result is None:
        result = "no result for this article"
    preds = [] if isinstance(result, str) else result.events
    score = score_article(preds, gold, text, threshold=threshold)
    missed = [
        Miss(
            index=j,
            global_id=g.global_id,
            event_type=g.event_type,
            date=g.date.value,
            countries=[loc.country for loc in g.locations],
            actor1=g.actor1,
            actor2=g.actor2,
            evidence=g.evidence[0].quote,
        )
        for j, g in ((j, gold.events[j]) for j in score.unmatched_gold)
    ]
    ok = None if isinstance(result, str) else result
    return ArticleReport(
        article_id=gold.article_id,
        title=gold.title,
        error=result if isinstance(result, str) else None,
        figures=score.figures,
        tally=score.tally,
        matches=score.pairs,
        missed_gold=missed,
        spurious=[_miss_pred(i, preds[i]) for i in score.unmatched_pred],
        predictions=list(preds),
        dropped=_dropped(ok) if ok else None,
        provenance=ok.provenance if ok else None,
    )


def _meta_str(meta: Mapping[str, object], key: str) -> str | None:
    value = meta.get(key)
    return None if value is None else str(value)


def build_report(
    results: Mapping[str, ArticleResult | str],
    golds: Sequence[GoldArticle],
    texts: Mapping[str, str],
    *,
    mode: str,
    meta: Mapping[str, object],
    threshold: float = MATCH_THRESHOLD,
) -> Report:
    """Score ``results`` (article_id -> result, or the error message of a failed article) against gold.

    Every gold article is scored; one without a result, or with an error, counts as zero
    predictions and its message is listed in ``errors``. ``meta`` may hold ``prompt_id``,
    ``prompt_version``, ``prompt_sha256``, ``model`` and ``created_at`` (a datetime or ISO
    string; default now, UTC) and ``decided_by`` (who decided the records, as the run resolved
    it; when given, "code only" also if no result's provenance says an LLM answer shaped its
    events; with "code only" no model is named); the prompt and model default to the first
    result's provenance;
    any other key is kept as a string in ``Report.meta``. Raises ``ValueError`` for an unknown
    mode and ``KeyError`` when a gold article's text is missing.
    """
    if mode not in get_args(Mode):
        raise ValueError(f"mode must be one of {', '.join(get_args(Mode))}, not {mode!r}")
    articles = []
    for gold in golds:
        if gold.article_id not in texts:
            raise KeyError(f"no article text for {gold.article_id!r}")
        result = results.get(gold.article_id)
        articles.append(_article_report(result, gold, texts[gold.article_id], threshold))
    totals = sum_tallies(a.tally for a in articles)
    dropped = DroppedCounts()
    for a in articles:
        dropped = dropped + (a.dropped or DroppedCounts())
    first = next((a.provenance for a in articles if a.provenance), None)
    created = meta.get("created_at")
    if isinstance(created, str):
        created = dt.datetime.fromisoformat(created)
    if not isinstance(created, dt.datetime):
        created = dt.datetime.now(dt.UTC)
    version = meta.get("prompt_version", first.prompt_version if first else None)
    corpus = score_merge(
        {k: v for k, v in results.items() if k in {g.article_id for g in golds}},
        golds,
        texts,
        {a.article_id: [(m.pred_index, m.gold_index) for m in a.matches] for a in articles},
    )
    gold_ids = {g.article_id for g in golds}
    known = {"prompt_id", "prompt_version", "prompt_sha256", "model", "created_at", "decided_by"}
    decided = _meta_str(meta, "decided_by")
    provenances = [a.provenance for a in articles if a.provenance is not None]
    if decided is not None and provenances and not any(p.adjudicated for p in provenances):
        decided = CODE_ONLY  # what happened: no article's events were shaped by an LLM answer
    return Report(
        created_at=created,
        mode=cast(Mode, mode),  # checked against Mode above
        prompt_id=_meta_str(meta, "prompt_id") or (first.prompt_id if first else None),
        prompt_version=None if version is None else int(str(version)),
        prompt_sha256=_meta_str(meta, "prompt_sha256") or (first.prompt_sha256 if first else None),
        model=None if decided == CODE_ONLY else _meta_str(meta, "model") or (first.model if first else None),
        decided_by=decided,
        meta={k: str(v) for k, v in meta.items() if k not in known},
        threshold=threshold,
        headline=totals.figures(),
        totals=totals,
        dropped=dropped,
        errors={a.article_id: a.error for a in articles if a.error is not None},
        unscored=sorted(k for k in results if k not in gold_ids),
        articles=articles,
        corpus=corpus,
    )
