"""``extractor eval agreement``: a gold file against itself agrees perfectly, even where the article's
typography (a no-break space, a curly apostrophe) differs from what the annotator typed."""

from __future__ import annotations

import json
from pathlib import Path

from evals.agreement import agreement

#: The claimant's name holds a curly apostrophe and a no-break space in the article.
TEXT = (
    "Rebels shelled a border post on Tuesday, the army\u2019s\u00a0regional command said. "
    "Three soldiers were killed, the army\u2019s\u00a0regional command said.\n"
)
GOLD = {
    "article_id": "a1",
    "published": "2024-03-07",
    "published_source": "given with the article",
    "events": [
        {
            "global_id": "shelling",
            "event_type": "Shelling/artillery/missile attack",
            "date": {"text": "Tuesday", "value": "2024-03-05", "precision": "day"},
            "locations": [],
            "actor1": "Rebels",
            "actor2": None,
            "casualties": [
                {
                    "kind": "killed",
                    "count": 3,
                    "qualifier": "exact",
                    "claimed_by": "the army's regional command",
                    "victims": "soldiers",
                    "quote": "Three soldiers were killed",
                }
            ],
            "evidence": [{"quote": "Rebels shelled a border post on Tuesday"}],
        }
    ],
}


def test_a_gold_file_agrees_with_itself_on_every_figure_whatever_the_article_typography(
    tmp_path: Path,
) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a1.txt").write_text(TEXT, encoding="utf-8")
    gold = tmp_path / "a1.json"
    gold.write_text(json.dumps(GOLD), encoding="utf-8")
    figures = agreement(gold, gold, tmp_path / "articles").micro.figures()
    assert figures["attribution_accuracy"] == 1.0
    assert figures["event_f1"] == 1.0
    assert figures["claim_f1"] == 1.0
