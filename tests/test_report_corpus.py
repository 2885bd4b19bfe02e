"""The report's corpus section: merge figures on gold mentions and end to end, the corpus view, the gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.convert import gold_to_result
from evals.gate import exact_differences
from evals.gold import ARTICLES_DIR, load_all_gold
from evals.report import (
    Report,
    build_report,
    load_report,
    mention_excerpt,
    render_html,
    render_markdown,
    write_report,
)
from evals.scoring.corpus import gold_clusters, score_merge
from schemas.events_v3 import ArticleResult
from tests.corpus_fakes import span

GOLDS = load_all_gold()
TEXTS = {g.article_id: (ARTICLES_DIR / f"{g.article_id}.txt").read_text(encoding="utf-8") for g in GOLDS}
META: dict[str, object] = {"created_at": "2024-03-06T12:00:00+00:00"}


def _perfect() -> dict[str, ArticleResult | str]:
    return {g.article_id: gold_to_result(g, TEXTS[g.article_id]) for g in GOLDS}


def _report(results: dict[str, ArticleResult | str]) -> Report:
    return build_report(results, GOLDS, TEXTS, mode="replay", meta=META)


def test_perfect_predictions_score_one_on_gold_mentions_and_end_to_end() -> None:
    corpus = _report(_perfect()).corpus
    assert corpus is not None
    assert corpus.gold_mentions.conll_f1 == pytest.approx(1.0)
    assert corpus.end_to_end.conll_f1 == pytest.approx(1.0)
    assert corpus.gold_mentions.key_entities == len(gold_clusters(GOLDS))
    assert len(corpus.events) == corpus.gold_mentions.key_entities


def test_end_to_end_counts_unmatched_predictions_and_missed_gold_records() -> None:
    results = _perfect()
    first = GOLDS[0].article_id
    results[first] = f"LLMTimeoutError: no answer for {first}"  # its gold records are all missed
    corpus = _report(results).corpus
    assert corpus is not None
    e2e = corpus.end_to_end
    assert e2e.response_mentions == e2e.key_mentions - len(GOLDS[0].events)
    assert e2e.b_cubed.recall < 1.0 and e2e.b_cubed.precision == pytest.approx(1.0)
    assert corpus.gold_mentions.conll_f1 == pytest.approx(
        1.0
    )  # the merge alone does not depend on predictions


def test_a_prediction_with_no_gold_twin_is_its_own_mention_end_to_end() -> None:
    golds = GOLDS
    results = _perfect()
    matches = {g.article_id: [(i, i) for i in range(len(g.events))] for g in golds}
    matches[golds[0].article_id] = matches[golds[0].article_id][1:]  # prediction 0 matched nothing
    score = score_merge(results, golds, TEXTS, matches)
    assert score.end_to_end.response_mentions == score.end_to_end.key_mentions
    assert score.end_to_end.ceaf_e.f1 < 1.0
    assert f"{golds[0].article_id}#0" not in score.mention_gold


def test_report_json_markdown_and_html_carry_the_corpus_section(tmp_path: Path) -> None:
    report = _report(_perfect())
    write_report(report, tmp_path, TEXTS, GOLDS)
    again = load_report(tmp_path / "report.json")
    assert again.corpus == report.corpus
    markdown = render_markdown(report)
    assert "## Corpus: the same event merged across articles" in markdown
    assert "| **CoNLL F1** | | | **1.000** | | | **1.000** |" in markdown
    html = render_html(report, TEXTS, GOLDS)
    assert report.corpus is not None
    for event in report.corpus.events:
        assert f'id="{event.event_id}"' in html
        for claim in event.claims:
            assert claim.article_id in html
    assert html.count('class="mention"') == sum(len(e.mentions) for e in report.corpus.events)


def test_mention_excerpt_highlights_evidence_and_claim_quotes_inside_a_window() -> None:
    text = "x " * 200 + "the evidence here and 3 killed" + " y" * 200
    start = text.index("the evidence")
    segments = mention_excerpt(text, [span("the evidence here", start)], [span("3 killed", start + 22)])
    css = {s.text: s.css for s in segments}
    assert css["the evidence here"] == "hl-pred" and css["3 killed"] == "hl-gold"
    assert segments[0].text == "… " and segments[-1].text == " …"
    assert len("".join(s.text for s in segments)) < len(text)


def test_the_replay_gate_sees_any_change_of_a_merge_figure() -> None:
    base = _report(_perfect())
    assert exact_differences(base, base) == []
    assert base.corpus is not None
    worse = base.corpus.end_to_end.model_copy(update={"conll_f1": 0.5})
    changed = base.model_copy(update={"corpus": base.corpus.model_copy(update={"end_to_end": worse})})
    assert exact_differences(base, changed) == ["corpus.end_to_end.conll_f1: 1.0 -> 0.5"]


def test_the_console_headline_prints_the_merge_figures() -> None:
    import io

    from rich.console import Console

    from evals.report import print_headline

    buffer = io.StringIO()
    print_headline(_report(_perfect()), Console(file=buffer, width=140, color_system=None))
    printed = buffer.getvalue()
    assert "Corpus merge vs gold global_ids" in printed
    assert all(label in printed for label in ("MUC", "B-cubed", "CEAF-e", "BLANC", "CoNLL F1"))
