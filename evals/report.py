"""The evaluation report: a pydantic model built from results and gold, and its writers.

``build_report`` scores every gold article (``evals.scoring``) and records, next to the
figures, everything needed to audit them: per-record matches with both values of every field,
misses, dropped-record diagnostics, each article's provenance and the error of any article
whose extraction failed (scored as zero predictions). ``write_report`` writes ``report.json``
(round-trips through ``Report``), ``report.md`` and a self-contained ``report.html``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, cast, get_args

from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, Field
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evals.gold import GoldArticle
from evals.scoring import (
    MATCH_THRESHOLD,
    SLOTS,
    PairScore,
    Ratio,
    Tally,
    score_article,
    sum_tallies,
)
from schemas.events_v1 import SCHEMA_VERSION, ArticleResult, Event, Provenance

__all__ = [
    "REPORT_FORMAT",
    "ArticleReport",
    "DroppedCounts",
    "Miss",
    "Mode",
    "Report",
    "Segment",
    "build_report",
    "figure_label",
    "highlight_segments",
    "print_headline",
    "render_html",
    "render_markdown",
    "write_report",
]

#: Version of the report layout; bump when a field changes meaning or disappears.
REPORT_FORMAT = "extractor-eval-report/1"

Mode = Literal["live", "replay", "record"]

TEMPLATE_PATH = Path(__file__).parent / "templates" / "report.html.j2"

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
    model: str | None = None
    meta: dict[str, str] = Field(default_factory=dict, description="Any other run metadata, as strings.")
    threshold: float = MATCH_THRESHOLD
    headline: dict[str, float] = Field(description="Micro-averaged figures over the corpus.")
    totals: Tally
    dropped: DroppedCounts
    errors: dict[str, str] = Field(default_factory=dict, description="article_id -> error message.")
    unscored: list[str] = Field(default_factory=list, description="Results for articles without gold.")
    articles: list[ArticleReport]


def _miss_pred(index: int, event: Event) -> Miss:
    return Miss(
        index=index,
        event_type=event.event_type,
        date=event.date.value,
        countries=[loc.country for loc in event.locations if loc.country],
        actor1=event.actor1,
        actor2=event.actor2,
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
    string; default now, UTC); the prompt and model default to the first result's provenance;
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
    gold_ids = {g.article_id for g in golds}
    known = {"prompt_id", "prompt_version", "prompt_sha256", "model", "created_at"}
    return Report(
        created_at=created,
        mode=cast(Mode, mode),  # checked against Mode above
        prompt_id=_meta_str(meta, "prompt_id") or (first.prompt_id if first else None),
        prompt_version=None if version is None else int(str(version)),
        prompt_sha256=_meta_str(meta, "prompt_sha256") or (first.prompt_sha256 if first else None),
        model=_meta_str(meta, "model") or (first.model if first else None),
        meta={k: str(v) for k, v in meta.items() if k not in known},
        threshold=threshold,
        headline=totals.figures(),
        totals=totals,
        dropped=dropped,
        errors={a.article_id: a.error for a in articles if a.error is not None},
        unscored=sorted(k for k in results if k not in gold_ids),
        articles=articles,
    )


# --------------------------------------------------------------------------- markdown


def _md(value: object) -> str:
    """A markdown table cell: pipes and angle brackets escaped, newlines folded."""
    return str(value).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _pct(value: float) -> str:
    return f"{value:.3f}"


def _ratio(ratio: Ratio) -> str:
    """A ratio's value, or "n/a" when it is over nothing (its 1.0 would read as a perfect score)."""
    return "n/a" if ratio.total == 0 else _pct(ratio.value)


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
            f"| {_md(a.article_id)} | {ev.tp + ev.fn} | {ev.tp + ev.fp} | {_pct(ev.precision)} | "
            f"{_pct(ev.recall)} | {_pct(ev.f1)} | {_pct(a.tally.events_typed.f1)} | "
            f"{_pct(a.tally.claims.f1)} | "
            f"{_ratio(a.tally.attribution)} | {_ratio(a.tally.grounding)} | {_md(a.error or '')} |"
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
            f"| {name} | {c.tp} | {c.fp} | {c.fn} | {_pct(c.precision)} | {_pct(c.recall)} | {_pct(c.f1)} |"
        )
    t = report.totals
    lines += [
        f"| attribution (matched claims) | {t.attribution.hits} / {t.attribution.total} | | | | | "
        f"{_ratio(t.attribution)} |",
        f"| grounding (predicted quotes) | {t.grounding.hits} / {t.grounding.total} | | | | | "
        f"{_ratio(t.grounding)} |",
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


# --------------------------------------------------------------------------- html


class Segment(BaseModel):
    """A run of article text with one highlight state."""

    text: str
    css: Literal["", "hl-gold", "hl-pred", "hl-both"]
    title: str = ""


def highlight_segments(
    text: str, gold: Sequence[tuple[int, int, str]], pred: Sequence[tuple[int, int, str]]
) -> list[Segment]:
    """Split ``text`` into runs covered by gold spans, predicted spans, both, or neither.

    Spans are (start, end, label); out-of-range or empty spans are ignored. A run's title lists
    the labels covering it.
    """
    n = len(text)
    gold = [(s, e, lab) for s, e, lab in gold if 0 <= s < e <= n]
    pred = [(s, e, lab) for s, e, lab in pred if 0 <= s < e <= n]
    cuts = sorted({0, n, *(s for s, _, _ in (*gold, *pred)), *(e for _, e, _ in (*gold, *pred))})
    segments: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        g = [lab for s, e, lab in gold if s <= a and b <= e]
        p = [lab for s, e, lab in pred if s <= a and b <= e]
        css: Literal["", "hl-gold", "hl-pred", "hl-both"] = (
            "hl-both" if g and p else "hl-gold" if g else "hl-pred" if p else ""
        )
        labels = [*(f"gold {x}" for x in dict.fromkeys(g)), *(f"pred {x}" for x in dict.fromkeys(p))]
        title = "; ".join(labels)
        if segments and segments[-1].css == css and segments[-1].title == title:
            segments[-1] = Segment(text=segments[-1].text + text[a:b], css=css, title=title)
        else:
            segments.append(Segment(text=text[a:b], css=css, title=title))
    return segments


def _gold_spans(gold: GoldArticle | None, text: str) -> list[tuple[int, int, str]]:
    """Gold evidence spans, located by exact substring (first occurrence)."""
    spans: list[tuple[int, int, str]] = []
    for event in gold.events if gold else []:
        for ev in event.evidence:
            start = text.find(ev.quote)
            if start >= 0:
                spans.append((start, start + len(ev.quote), event.global_id))
    return spans


def _pred_spans(article: ArticleReport) -> list[tuple[int, int, str]]:
    """Predicted evidence spans, by their recorded offsets."""
    return [(sp.start, sp.end, f"#{i}") for i, e in enumerate(article.predictions) for sp in e.evidence]


def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["label"] = figure_label
    env.filters["num"] = _pct
    env.filters["ratio"] = _ratio
    return env


def render_html(report: Report, texts: Mapping[str, str], golds: Sequence[GoldArticle]) -> str:
    """report.html: self-contained (inline CSS, no scripts); every text is escaped by jinja2."""
    by_id = {g.article_id: g for g in golds}
    articles = []
    for a in report.articles:
        text = texts.get(a.article_id, "")
        articles.append(
            {
                "report": a,
                "segments": highlight_segments(
                    text, _gold_spans(by_id.get(a.article_id), text), _pred_spans(a)
                ),
                "has_text": a.article_id in texts,
            }
        )
    template = _environment().from_string(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return template.render(
        report=report,
        articles=articles,
        slots=SLOTS,
        rows=headline_rows(report),
        dropped=dropped_line(report),
        zip=zip,
    )


# --------------------------------------------------------------------------- writers


def write_report(
    report: Report, out_dir: Path, texts: Mapping[str, str], golds: Sequence[GoldArticle]
) -> list[Path]:
    """Write report.json, report.md and report.html into ``out_dir`` (created); return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    paths[0].write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(render_markdown(report), encoding="utf-8")
    paths[2].write_text(render_html(report, texts, golds), encoding="utf-8")
    return paths


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
        rows.append((figure_label(name), "n/a" if empty else _pct(value), text))
    return rows


def dropped_line(report: Report) -> str:
    d = report.dropped
    return (
        f"LLM returned {d.events_returned} event(s); kept {d.events_kept}, dropped {d.events_dropped} "
        f"(ungrounded or invalid); {d.claims_dropped} casualty claim(s) dropped; "
        f"{d.validation_errors} validation error(s) sent back as re-asks"
    )


def print_headline(report: Report, console: Console | None = None) -> None:
    """Print the headline figures as a rich table (and the ids of failed articles)."""
    console = console or Console()
    table = Table(title=f"Evaluation ({report.mode}, {len(report.articles)} articles, micro)")
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    table.add_column("Basis")
    for row in headline_rows(report):
        table.add_row(*row)
    console.print(table)
    console.print(escape(dropped_line(report)))
    if report.errors:
        failed = escape(", ".join(report.errors))
        console.print(f"[red]{len(report.errors)} article(s) failed:[/red] {failed}")
