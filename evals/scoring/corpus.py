"""Scoring the corpus merge against the gold ``global_id``s, twice.

* **Gold mentions** (the merge alone): every gold record becomes a perfect predicted record
  (``evals.convert.gold_to_result``), the merge clusters them, and the clusters are scored against
  the gold clusters (records sharing a ``global_id``). Mentions are (article id, gold index).
* **End to end**: the merge clusters the predicted records. A prediction matched to a gold record
  by the per-article scorer (``match_events``, the pairs of ``score_article``) is that gold
  record's mention; an unmatched prediction is a mention with no key twin; a gold record no
  prediction matched is a key mention the response lacks. The metrics (``coref``) are defined for
  such system mentions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from evals.convert import gold_to_result
from evals.gold import GoldArticle
from extractor.corpus import MERGE_THRESHOLD, merge
from schemas.corpus_v2 import CorpusEvent
from schemas.events_v3 import ArticleResult

from .coref import CorefScores, coref_scores

__all__ = ["MergeScore", "gold_clusters", "mention_id", "score_merge"]


def mention_id(article_id: str, index: int, *, gold: bool) -> str:
    """A mention id: ``<article>#g<i>`` for gold record i, ``<article>#p<i>`` for an unmatched prediction."""
    return f"{article_id}#{'g' if gold else 'p'}{index}"


class MergeScore(BaseModel):
    """The merge's coreference figures on gold mentions and end to end, and the corpus it built."""

    threshold: float = MERGE_THRESHOLD
    gold_mentions: CorefScores
    end_to_end: CorefScores
    events: list[CorpusEvent] = Field(description="The corpus merged from the predictions (end to end).")
    mention_gold: dict[str, str] = Field(
        default_factory=dict,
        description="'<article>#<prediction index>' -> the gold global_id its prediction matched.",
    )

    def figures(self) -> dict[str, float]:
        """Flat figures: ``gold_mentions.<metric>`` and ``end_to_end.<metric>``."""
        out = {f"gold_mentions.{k}": v for k, v in self.gold_mentions.figures().items()}
        out.update({f"end_to_end.{k}": v for k, v in self.end_to_end.figures().items()})
        return out


def gold_clusters(golds: Sequence[GoldArticle]) -> list[set[str]]:
    """Gold records grouped by ``global_id``, as mention ids."""
    clusters: dict[str, set[str]] = {}
    for gold in golds:
        for i, event in enumerate(gold.events):
            clusters.setdefault(event.global_id, set()).add(mention_id(gold.article_id, i, gold=True))
    return [clusters[k] for k in sorted(clusters)]


def score_merge(
    results: Mapping[str, ArticleResult | str],
    golds: Sequence[GoldArticle],
    texts: Mapping[str, str],
    matches: Mapping[str, Sequence[tuple[int, int]]],
) -> MergeScore:
    """Score the merge on gold mentions and end to end.

    ``matches`` maps each article id to its (prediction index, gold index) pairs (``score_article``);
    failed articles (a string instead of a result) contribute no prediction.
    """
    key = gold_clusters(golds)
    perfect = merge(gold_to_result(g, texts[g.article_id]) for g in golds)
    on_gold = [
        {mention_id(m.article_id, m.event_index, gold=True) for m in e.mentions} for e in perfect.events
    ]
    gold_id = {(g.article_id, i): e.global_id for g in golds for i, e in enumerate(g.events)}
    predicted = [r for r in results.values() if isinstance(r, ArticleResult) and r.events]
    corpus = merge(predicted)
    to_gold = {(aid, p): g for aid, pairs in matches.items() for p, g in pairs}
    response = []
    mention_gold: dict[str, str] = {}
    events = list(corpus.events)  # built once (``merge`` builds each corpus event when it is read)
    for event in events:
        cluster = set()
        for m in event.mentions:
            g = to_gold.get((m.article_id, m.event_index))
            cluster.add(
                mention_id(m.article_id, m.event_index, gold=False)
                if g is None
                else mention_id(m.article_id, g, gold=True)
            )
            if g is not None:
                mention_gold[f"{m.article_id}#{m.event_index}"] = gold_id[(m.article_id, g)]
        response.append(cluster)
    return MergeScore(
        gold_mentions=coref_scores(key, on_gold),
        end_to_end=coref_scores(key, response),
        events=events,
        mention_gold=mention_gold,
    )
