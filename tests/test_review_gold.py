"""Reviewed articles become gold: ``extractor review export`` writes what ``evals.gold.load_gold`` loads;
that gold scores the machine's original below 1.0 and the corrected records at 1.0; two reviewers'
gold files of one article are compared with the eval scorer (``extractor eval agreement``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from evals.gold import load_gold
from evals.scoring import score_article
from extractor.cli import main
from extractor.review import REJECT_RULES
from schemas.events_v3 import ArticleResult
from tests.review_fakes import ARTICLE_ID, REVIEW, TEXT, bearer, review_app, serving, submit

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])  # the service, on loopback

GUIDELINES = Path(__file__).parent.parent / "evals" / "GUIDELINES.md"
#: Bob reviews the same article otherwise: he fixes the actors, keeps the condemnation, misses the arrests.
BOB = [
    {"action": "set", "event": 1, "field": "actor1", "span": REVIEW[1]["span"]},
    {"action": "set", "event": 1, "field": "actor2", "span": REVIEW[2]["span"]},
    {"action": "set-type", "event": 1, "event_type": "Attack"},
    {"action": "accept", "event": 2},
    {"action": "done"},
]


def _review(client: httpx.Client, who: str, actions: list[dict[str, Any]]) -> str:
    job_id = submit(client, bearer(who))
    for action in actions:
        answer = client.post(f"/v1/jobs/{job_id}/articles/0/corrections", json=action, headers=bearer(who))
        assert answer.status_code == 200, (action, answer.text)
    return job_id


def _export(job_id: str, database_url: str, out: Path) -> tuple[Path, Path]:
    gold_dir, articles_dir = out / "gold", out / "articles"
    args = ["review", "export", job_id, "--gold-dir", str(gold_dir), "--articles-dir", str(articles_dir)]
    result = CliRunner().invoke(main, [*args, "--database-url", database_url])
    assert result.exit_code == 0, result.output
    return gold_dir, articles_dir


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Alice's and Bob's reviews of the article (two jobs), exported; the machine's original."""
    work = tmp_path_factory.mktemp("review-gold")
    app = review_app(work)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        alice = _review(client, "alice", REVIEW)
        bob = _review(client, "bob", BOB)
        original = client.get(f"/v1/jobs/{alice}/articles/0/original", headers=bearer("alice")).json()
        corrected = json.loads(client.get(f"/v1/jobs/{alice}/results", headers=bearer("alice")).text)
    database = app.state.service.store.url
    return {
        "alice": _export(alice, database, work / "alice"),
        "bob": _export(bob, database, work / "bob"),
        "original": ArticleResult.model_validate(original),
        "corrected": ArticleResult.model_validate(corrected),
    }


def test_the_exported_gold_loads_with_the_evals_loader_and_excludes_the_rejected_record(
    reviewed: dict[str, Any],
) -> None:
    gold_dir, articles_dir = reviewed["alice"]
    assert (articles_dir / f"{ARTICLE_ID}.txt").read_text(encoding="utf-8") == TEXT
    gold = load_gold(gold_dir / f"{ARTICLE_ID}.json", articles_dir)
    assert [(e.event_type, e.actor1, e.actor2, e.date.value) for e in gold.events] == [
        ("Attack", "Gunmen", "a police station", "2023-03-13"),
        ("Arrests", "soldiers", "protesters", "2023-03-14"),
    ]
    assert [(loc.country, loc.place) for loc in gold.events[1].locations] == [("Mali", "Gao")]
    assert gold.events[0].fatalities == 2
    [excluded] = gold.excluded
    assert excluded.rule == "2: condemnation"
    assert excluded.quote == "The minister condemned the attack on Wednesday"


def test_the_gold_scores_the_machine_below_one_and_the_corrected_records_at_one(
    reviewed: dict[str, Any],
) -> None:
    gold_dir, articles_dir = reviewed["alice"]
    gold = load_gold(gold_dir / f"{ARTICLE_ID}.json", articles_dir)
    machine = score_article(reviewed["original"].events, gold, TEXT).figures
    corrected = score_article(reviewed["corrected"].events, gold, TEXT).figures
    assert machine["event_f1"] < 1.0
    assert machine["slot_f1.actor1"] < 1.0
    assert corrected == dict.fromkeys(corrected, 1.0), corrected


def test_agreement_of_two_reviewers_is_the_event_f1_between_their_gold(
    reviewed: dict[str, Any], tmp_path: Path
) -> None:
    (alice_gold, articles_dir), (bob_gold, _) = reviewed["alice"], reviewed["bob"]
    out = tmp_path / "agreement.json"
    args = ["eval", "agreement", str(alice_gold), str(bob_gold), "--articles", str(articles_dir)]
    result = CliRunner().invoke(main, [*args, "--json", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())["micro"]
    # Both have the attack; Alice has the arrests, Bob the condemnation: 1 agreed, 1 each alone.
    assert figures["event_f1"] == 0.5
    assert figures["slot_f1.actor1"] == 0.5
    assert ARTICLE_ID in result.output
    same = CliRunner().invoke(
        main,
        [
            "eval",
            "agreement",
            str(alice_gold),
            str(alice_gold),
            "--articles",
            str(articles_dir),
            "--json",
            str(out),
        ],
    )
    assert same.exit_code == 0 and json.loads(out.read_text())["micro"]["event_f1"] == 1.0


def test_an_article_not_marked_reviewed_is_named_and_left_out(tmp_path: Path) -> None:
    app = review_app(tmp_path)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = _review(client, "alice", REVIEW[:3])  # no "done"
    args = [
        "review",
        "export",
        job_id,
        "--gold-dir",
        str(tmp_path / "g"),
        "--articles-dir",
        str(tmp_path / "a"),
    ]
    result = CliRunner().invoke(main, [*args, "--database-url", app.state.service.store.url])
    assert result.exit_code == 1
    assert f"article 0 ({ARTICLE_ID}) is not marked reviewed" in result.output
    assert not list((tmp_path / "g").glob("*.json"))


def test_every_reason_to_reject_is_a_rule_of_the_guidelines() -> None:
    guidelines = GUIDELINES.read_text(encoding="utf-8")
    for rule in REJECT_RULES:
        number, reason = rule.split(": ", 1)
        if number == "2":
            assert re.search(rf"^\| {re.escape(reason)} \|", guidelines, re.M), rule
        elif number == "3.7":
            assert f'"{rule}"' in guidelines, rule
        else:
            assert "at most one record per real-world event" in guidelines, rule
