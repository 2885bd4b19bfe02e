"""`extractor eval --articles DIR --gold DIR`: any gold set is scored, with code's candidates diagnosed.

The articles and gold here are written for these tests (two short invented news items).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from evals.ceiling import candidate_diagnostics
from evals.gold import load_all_gold
from evals.runner import EvalRunError, load_eval_articles, run_eval
from extractor.cli import main
from extractor.settings import Settings

ARTICLE_A = (
    "Rebels attacked an army post near Kabul on Monday, killing three soldiers, the army said.\n"
    "The government has promised to build a new road next year."
)
ARTICLE_B = "Police arrested twelve opposition activists in Lagos on Tuesday, officials said."


def _event(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "global_id": "x",
        "event_type": "Armed clash",
        "date": {"text": "Monday", "value": "2023-03-13", "precision": "day"},
        "locations": [{"country": "Afghanistan", "place": "Kabul"}],
        "actor1": "Rebels",
        "actor2": "army post",
        "casualties": [
            {
                "kind": "killed",
                "count": 3,
                "qualifier": "exact",
                "claimed_by": "the army",
                "victims": "soldiers",
                "quote": "killing three soldiers, the army said",
            }
        ],
        "evidence": [{"quote": "Rebels attacked an army post near Kabul on Monday"}],
    }
    event.update(changes)
    return event


def _write_set(root: Path, gold_b: dict[str, Any] | None = None) -> tuple[Path, Path]:
    articles, gold = root / "articles", root / "gold"
    articles.mkdir(parents=True)
    gold.mkdir()
    for article_id, text in (("a", ARTICLE_A), ("b", ARTICLE_B)):
        (articles / f"{article_id}.txt").write_text(text, encoding="utf-8")
        meta = {"published": "2023-03-15", "published_source": "test", "title": None}
        (articles / f"{article_id}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    base = {"published": "2023-03-15", "published_source": "test", "title": None}
    (gold / "a.json").write_text(
        json.dumps({**base, "article_id": "a", "events": [_event()]}), encoding="utf-8"
    )
    b_event = gold_b or _event(
        global_id="y",
        event_type="Arrests",
        date={"text": "Tuesday", "value": "2023-03-14", "precision": "day"},
        locations=[{"country": "Nigeria", "place": "Lagos"}],
        actor1="Police",
        actor2="twelve opposition activists",
        casualties=[],
        evidence=[{"quote": "Police arrested twelve opposition activists in Lagos on Tuesday"}],
    )
    (gold / "b.json").write_text(
        json.dumps({**base, "article_id": "b", "events": [b_event]}), encoding="utf-8"
    )
    return articles, gold


def test_a_folder_of_articles_and_gold_is_scored_code_only(tmp_path: Path) -> None:
    articles, gold = _write_set(tmp_path / "set")
    settings = Settings(prompt="events.v5", adjudicate=False, use_cache=False, cache_dir=tmp_path / "c")
    report = run_eval(
        mode="live",
        prompt="events.v5",
        settings=settings,
        out_dir=tmp_path / "out",
        articles_dir=articles,
        gold_dir=gold,
    )
    assert [a.article_id for a in report.articles] == ["a", "b"]
    assert report.totals.events.tp == 2 and report.totals.events.fn == 0
    assert (tmp_path / "out" / "report.json").is_file()
    assert report.candidates is not None and report.candidates.articles == 2
    assert "## Code's candidates" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_an_empty_gold_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    articles, gold = _write_set(tmp_path / "set")
    for path in gold.glob("*.json"):
        path.unlink()
    with pytest.raises(EvalRunError, match="no gold file"):
        run_eval(
            mode="live",
            prompt="events.v5",
            settings=Settings(adjudicate=False),
            out_dir=tmp_path / "out",
            articles_dir=articles,
            gold_dir=gold,
        )


def test_articles_without_gold_is_a_usage_error(tmp_path: Path) -> None:
    articles, _gold = _write_set(tmp_path / "set")
    result = CliRunner().invoke(main, ["eval", "--articles", str(articles)])
    assert result.exit_code == 2 and "--articles and --gold go together" in result.output


def test_the_cli_scores_a_folder_live_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles, gold = _write_set(tmp_path / "set")
    monkeypatch.setenv("EXTRACTOR_ADJUDICATE", "0")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "eval",
            "--articles",
            str(articles),
            "--gold",
            str(gold),
            "--prompt",
            "events.v5",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["mode"] == "live" and report["headline"]["event_f1"] == 1.0


def test_the_ceiling_counts_a_gold_value_only_when_code_offers_it(tmp_path: Path) -> None:
    articles, gold = _write_set(tmp_path / "set")
    golds = load_all_gold(gold, articles)
    found = candidate_diagnostics(load_eval_articles(golds, 10_000, articles), golds)
    assert found.ceiling["event"].hits == 2 and found.ceiling["actor1"].hits == 2

    other = tmp_path / "other"
    wrong = _event(
        global_id="y",
        event_type="Arrests",
        date={"text": "Tuesday", "value": "2023-03-14", "precision": "day"},
        locations=[{"country": "Nigeria", "place": "Lagos"}],
        actor1="officials",  # the source of the sentence: never an actor candidate
        actor2="twelve opposition activists",
        casualties=[],
        evidence=[{"quote": "Police arrested twelve opposition activists in Lagos on Tuesday"}],
    )
    articles2, gold2 = _write_set(other, gold_b=wrong)
    golds2 = load_all_gold(gold2, articles2)
    missed = candidate_diagnostics(load_eval_articles(golds2, 10_000, articles2), golds2)
    assert missed.ceiling["actor1"].hits == 1 and missed.ceiling["actor1"].total == 2
    assert missed.ceiling["event_type"].hits == 2
