"""report.html: self-contained (inline CSS, no scripts), article text with gold and predicted spans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel

from evals.gold import GoldArticle
from evals.scoring import (
    SLOTS,
)
from extractor.highlight import highlight_spans
from schemas.events_v3 import Span

from .model import ArticleReport, Report
from .text import decided_line, dropped_line, figure_label, fmt, fmt_ratio, headline_rows

__all__ = [
    "EXCERPT_MARGIN",
    "TEMPLATE_PATH",
    "Segment",
    "highlight_segments",
    "mention_excerpt",
    "render_html",
]


TEMPLATE_PATH = Path(__file__).parent.parent / "templates" / "report.html.j2"


class Segment(BaseModel):
    """A run of article text with one highlight state."""

    text: str
    css: Literal["", "hl-gold", "hl-pred", "hl-both"]
    title: str = ""


_CSS: dict[frozenset[str], Literal["", "hl-gold", "hl-pred", "hl-both"]] = {
    frozenset(): "",
    frozenset({"gold"}): "hl-gold",
    frozenset({"pred"}): "hl-pred",
    frozenset({"gold", "pred"}): "hl-both",
}


def highlight_segments(
    text: str, gold: Sequence[tuple[int, int, str]], pred: Sequence[tuple[int, int, str]]
) -> list[Segment]:
    """Split ``text`` into runs covered by gold spans, predicted spans, both, or neither.

    Spans are (start, end, label); out-of-range or empty spans are ignored. A run's title lists
    the labels covering it.
    """
    runs = highlight_spans(
        text, [*((s, e, "gold", lab) for s, e, lab in gold), *((s, e, "pred", lab) for s, e, lab in pred)]
    )
    return [Segment(text=run.text, css=_CSS[frozenset(run.kinds)], title=run.title) for run in runs]


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


#: Characters of article text shown on each side of a corpus mention's evidence.
EXCERPT_MARGIN = 160


def mention_excerpt(text: str, evidence: Sequence[Span], claims: Sequence[Span]) -> list[Segment]:
    """The part of ``text`` around a mention's spans, evidence and claim quotes highlighted.

    Evidence spans are marked like predictions (``hl-pred``), claim quotes like gold (``hl-gold``),
    both ``hl-both``; the excerpt runs ``EXCERPT_MARGIN`` characters beyond the outermost spans,
    widened to whole words, with "…" where it cuts the article.
    """
    n = len(text)
    spans = [(s.start, s.end) for s in (*evidence, *claims) if 0 <= s.start < s.end <= n]
    if not spans:
        return []
    lo = max(0, min(s for s, _ in spans) - EXCERPT_MARGIN)
    hi = min(n, max(e for _, e in spans) + EXCERPT_MARGIN)
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < n and not text[hi].isspace():
        hi += 1
    segments = highlight_segments(
        text[lo:hi],
        [(s.start - lo, s.end - lo, "claim quote") for s in claims if 0 <= s.start < s.end <= n],
        [(s.start - lo, s.end - lo, "evidence") for s in evidence if 0 <= s.start < s.end <= n],
    )
    if lo > 0:
        segments.insert(0, Segment(text="… ", css=""))
    if hi < n:
        segments.append(Segment(text=" …", css=""))
    return segments


def _corpus_items(report: Report, texts: Mapping[str, str]) -> list[dict[str, object]]:
    if report.corpus is None:
        return []
    items = []
    for event in report.corpus.events:
        mentions = []
        for m in event.mentions:
            claims = [c.quote for c in m.event.casualties]
            mentions.append(
                {
                    "mention": m,
                    "gold": report.corpus.mention_gold.get(f"{m.article_id}#{m.event_index}"),
                    "segments": mention_excerpt(texts.get(m.article_id, ""), m.event.evidence, claims),
                }
            )
        items.append({"event": event, "mentions": mentions})
    return items


def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["label"] = figure_label
    env.filters["num"] = fmt
    env.filters["ratio"] = fmt_ratio
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
        corpus=_corpus_items(report, texts),
        metrics=(("muc", "MUC"), ("b_cubed", "B-cubed"), ("ceaf_e", "CEAF-e"), ("blanc", "BLANC")),
        slots=SLOTS,
        rows=headline_rows(report),
        dropped=dropped_line(report),
        decided=decided_line(report),
        zip=zip,
    )
