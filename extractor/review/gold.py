"""Reviewed articles as gold: the evals gold format (``evals/GUIDELINES.md``, "Gold file format").

The library never imports ``evals``: the format is written here, and a test loads what this
writes with ``evals.gold.load_gold``. For each article an analyst marked reviewed:

* ``ARTICLES_DIR/<article_id>.txt`` (the text, byte for byte as submitted) and
  ``<article_id>.meta.json`` (``published``, ``published_source``, ``title``), as in ``evals/articles``;
* ``GOLD_DIR/<article_id>.json``: every accepted or added record (quotes copied from its spans),
  and one ``excluded`` entry per rejected machine record (its first evidence quote and the rule
  the analyst chose; a duplicate writes none).

``global_id``: the corpus event id the merge (``extractor.merge``) gives the corrected records of
the exported articles, so one real-world event reported by several reviewed articles has one id.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from schemas.events_v3 import ArticleResult, Event

from ..corpus import merge
from .rules import DUPLICATE
from .state import ArticleReview, corrected_result

__all__ = ["ReviewedArticle", "export_gold", "gold_article"]


@dataclasses.dataclass(frozen=True)
class ReviewedArticle:
    """One article of a job: the machine's original result, its review and its text."""

    original: ArticleResult
    review: ArticleReview
    text: str
    source: str  #: where it comes from, e.g. "job 3f2c... position 0"


def _quote(span: Any) -> str | None:
    return None if span is None else str(span.quote)


def _gold_event(event: Event, global_id: str, note: str) -> dict[str, Any]:
    return {
        "global_id": global_id,
        "event_type": event.event_type,
        "date": {
            "text": _quote(event.date.text),
            "value": event.date.value,
            "precision": event.date.precision,
        },
        "locations": [
            {"country": loc.country_name, "place": _quote(loc.place)}
            for loc in event.locations
            if loc.country_name
        ],
        "actor1": _quote(event.actor1),
        "actor2": _quote(event.actor2),
        "casualties": [
            {
                "kind": c.kind,
                "count": c.count,
                "qualifier": c.qualifier,
                "claimed_by": _quote(c.claimed_by),
                "victims": _quote(c.victims),
                "quote": c.quote.quote,
            }
            for c in event.casualties
        ],
        "evidence": [{"quote": s.quote} for s in event.evidence],
        "note": note,
    }


def gold_article(article: ReviewedArticle, global_ids: dict[int, str]) -> dict[str, Any]:
    """The gold record of one reviewed article; ``global_ids`` maps event numbers to global ids."""
    review, original = article.review, article.original
    if review.published is None:
        raise ValueError(f"{review.article_id}: no publication date, which gold needs to resolve dates")
    events, excluded = [], []
    for entry in review.events:
        who = ", ".join(entry.reviewers) or "nobody"
        if entry.status == "rejected":
            if entry.rule != DUPLICATE and entry.origin == "machine":
                excluded.append(
                    {
                        "quote": entry.event.evidence[0].quote,
                        "rule": entry.rule,
                        "note": f"machine record {entry.number} ({entry.event.event_type}) rejected by {who}",
                    }
                )
            continue
        if entry.status != "accepted":
            raise ValueError(f"{review.article_id}: event {entry.number} is neither accepted nor rejected")
        what = "added" if entry.origin == "analyst" else f"machine record {entry.number}"
        changed = f", changed: {', '.join(entry.edited)}" if entry.edited else ""
        note = f"{what}, reviewed by {who}{changed} ({article.source})"
        events.append(_gold_event(entry.event, global_ids[entry.number], note))
    return {
        "article_id": review.article_id,
        "published": review.published.isoformat(),
        "published_source": f"the publication date submitted with the article ({article.source})",
        "title": original.title,
        "events": events,
        "excluded": excluded,
    }


def _global_ids(articles: Sequence[ReviewedArticle]) -> dict[tuple[str, int], str]:
    """(article id, event number) -> the id of the corpus event its corrected record is merged into."""
    results, numbers = [], {}
    for article in articles:
        kept = [e for e in article.review.events if e.status != "rejected"]
        numbers[article.review.article_id] = [e.number for e in kept]
        results.append(corrected_result(article.original, article.review).model_copy(
            update={"events": [e.event for e in kept]}
        ))  # fmt: skip
    ids = {}
    for corpus_event in merge(results).events:
        for mention in corpus_event.mentions:
            ids[(mention.article_id, numbers[mention.article_id][mention.event_index])] = (
                corpus_event.event_id
            )
    return ids


def export_gold(articles: Sequence[ReviewedArticle], gold_dir: Path, articles_dir: Path) -> list[Path]:
    """Write the gold and article files of ``articles`` (each marked reviewed); the gold files written."""
    ids = _global_ids(articles)
    gold_dir.mkdir(parents=True, exist_ok=True)
    articles_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        article_id = article.review.article_id
        numbers = {n for (a, n) in ids if a == article_id}
        record = gold_article(article, {n: ids[(article_id, n)] for n in numbers})
        (articles_dir / f"{article_id}.txt").write_bytes(article.text.encode("utf-8"))
        meta = {k: record[k] for k in ("published", "published_source", "title")}
        (articles_dir / f"{article_id}.meta.json").write_text(
            json.dumps(meta, indent=2) + "\n", encoding="utf-8"
        )
        path = gold_dir / f"{article_id}.json"
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
