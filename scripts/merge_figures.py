"""The corpus merge's coreference figures on gold sets, on gold mentions and end to end (code only).

    python scripts/merge_figures.py [GOLD_DIR ARTICLES_DIR]...

Each (gold folder, articles folder) pair is one gold set (default: ``evals/gold evals/articles``);
with several, their union is scored too (events of different sets are different real events, so a
link across sets is a false link). *Gold mentions*: every gold record made a perfect predicted
record (``evals.convert.gold_to_result``) and merged; *end to end*: each article extracted by
code alone (``EXTRACTOR_ADJUDICATE=0``, the default prompt's candidates strategy, no LLM), its
predictions matched to the gold by the per-article scorer, and merged (``evals.scoring.corpus``).
Printed per set: articles, gold records, gold links (pairs of records of one ``global_id``), and
for each of the two: links made, true links, MUC / B-cubed / CEAF-e / CoNLL F1. A measurement:
nothing is asserted. Gold and articles are read at run time, never copied.
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

from evals.convert import gold_to_result
from evals.gold import ARTICLES_DIR, GOLD_DIR, GoldArticle, load_all_gold
from evals.scoring import score_article
from evals.scoring.corpus import score_merge
from extractor import Extractor, Settings, load_article
from schemas.corpus_v2 import CorpusEvent


def _links(clusters: list[set[tuple[str, int]]]) -> set[frozenset[tuple[str, int]]]:
    return {frozenset(pair) for c in clusters for pair in itertools.combinations(sorted(c), 2)}


def _gold_links(golds: list[GoldArticle]) -> set[frozenset[tuple[str, int]]]:
    by_id: dict[str, set[tuple[str, int]]] = {}
    for gold in golds:
        for i, event in enumerate(gold.events):
            by_id.setdefault(event.global_id, set()).add((gold.article_id, i))
    return _links(list(by_id.values()))


def _made(events: list[CorpusEvent]) -> set[frozenset[tuple[str, int]]]:
    return _links([{(m.article_id, m.event_index) for m in e.mentions} for e in events])


def figures(golds: list[GoldArticle], texts: dict[str, str], session: Extractor) -> list[str]:
    results = {}
    matches = {}
    for gold in golds:
        article = load_article(
            Path(texts[gold.article_id]), max_chars=session.settings.extraction.max_article_chars
        )
        result = session.extract_article(article)
        results[gold.article_id] = result
        scored = score_article(result.events, gold, article.text)
        matches[gold.article_id] = [(m.pred_index, m.gold_index) for m in scored.pairs]
    limit = session.settings.extraction.max_article_chars
    plain = {g.article_id: load_article(Path(texts[g.article_id]), max_chars=limit).text for g in golds}
    scored_merge = score_merge(results, golds, plain, matches)
    key_links = _gold_links(golds)
    from extractor import merge  # noqa: PLC0415

    perfect = merge(gold_to_result(g, plain[g.article_id]) for g in golds).events
    on_gold = _made(perfect)
    # end to end: a link between two predictions counts as true when they match records of one event
    to_gold = {(a, p): (a, g) for a, pairs in matches.items() for p, g in pairs}
    made = _made(scored_merge.events)
    true_e2e = sum(
        1
        for link in made
        if all(m in to_gold for m in link) and frozenset(to_gold[m] for m in link) in key_links
    )
    row = [str(len(golds)), str(sum(len(g.events) for g in golds)), str(len(key_links))]
    for scores, links, true in (
        (scored_merge.gold_mentions, on_gold, len(on_gold & key_links)),
        (scored_merge.end_to_end, made, true_e2e),
    ):
        row += [
            f"{len(links)} ({true} true)",
            f"{scores.muc.f1:.3f}",
            f"{scores.b_cubed.f1:.3f}",
            f"{scores.ceaf_e.f1:.3f}",
            f"{scores.conll_f1:.3f}",
        ]
    return row


def main() -> None:
    args = sys.argv[1:] or [str(GOLD_DIR), str(ARTICLES_DIR)]
    if len(args) % 2:
        sys.exit("usage: merge_figures.py [GOLD_DIR ARTICLES_DIR]...")
    os.environ["EXTRACTOR_ADJUDICATE"] = "0"
    sets = []
    for gold_dir, articles_dir in zip(args[::2], args[1::2], strict=True):
        golds = load_all_gold(Path(gold_dir), Path(articles_dir))
        sets.append(
            (gold_dir, golds, {g.article_id: str(Path(articles_dir) / f"{g.article_id}.txt") for g in golds})
        )
    if len(sets) > 1:
        union = [g for _, golds, _ in sets for g in golds]
        sets.append(("all of the above", union, {k: v for _, _, texts in sets for k, v in texts.items()}))
    header = (
        "| set | articles | gold records | gold links | gold mentions: links made | MUC | B3 | CEAF-e | CoNLL"
    )
    header += " | end to end: links made | MUC | B3 | CEAF-e | CoNLL |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    with Extractor(Settings.from_env()) as session:
        for name, golds, texts in sets:
            print("| " + " | ".join([name, *figures(golds, texts, session)]) + " |", flush=True)


if __name__ == "__main__":
    main()
