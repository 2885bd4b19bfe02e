"""``extractor eval snippets``: CASE 2021 Task 2 scoring on invented rows (the dev file is never copied)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.cli import eval_
from evals.snippets import read_snippets, score_snippets

ROWS = [
    ("1", "A drone strike hit a convoy near the border on Monday, killing four fighters.", "AIR_STRIKE"),
    ("2", "Police arrested twelve opposition activists in the capital on Tuesday.", "ARREST"),
    ("3", "Floods killed twelve people in the northern district on Monday.", "NATURAL_DISASTER"),
    ("4", "The two ministers met to discuss trade and tourism on Friday.", "DIPLO"),
]


def _tsv(tmp_path: Path, rows: list[tuple[str, str, str]] = ROWS) -> Path:
    path = tmp_path / "snippets.tsv"
    path.write_text("id\tEventSnippet\tSubType\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in rows), "utf-8")
    return path


def test_scores_follow_their_definitions(tmp_path: Path) -> None:
    predictions = {
        ROWS[0][1]: "Air/drone strike",
        ROWS[1][1]: "Armed clash",
        ROWS[2][1]: "Attack",
        ROWS[3][1]: None,
    }
    scores = score_snippets(read_snippets(_tsv(tmp_path)), predictions.get)
    assert (scores.event_snippets, scores.non_event_snippets) == (2, 2)
    assert scores.type_accuracy == 0.5
    assert scores.non_event_rejection == 0.5
    assert scores.mention_recall == 1.0 and scores.type_accuracy_detected == 0.5
    # per-label F1: Air/drone strike 1.0; Arrests 0 (missed); Armed clash 0 and Attack 0 (false positives)
    assert scores.macro_f1 == round(1.0 / 25, 3)


def test_an_unknown_label_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown label"):
        read_snippets(_tsv(tmp_path, [("9", "Some text here.", "NOT_A_CODE")]))


def test_the_command_scores_code_only_without_any_request(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    result = CliRunner().invoke(
        eval_,
        [
            "snippets",
            str(_tsv(tmp_path)),
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model",
            "none",
            "--json",
            str(out),
        ],
        env={"EXTRACTOR_ADJUDICATE": "0"},
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text("utf-8"))
    assert figures["errors"] == 0 and figures["adjudicate"] is False
    assert figures["type_accuracy"] == 1.0  # the strike and the arrests
    assert figures["non_event_rejection"] == 1.0  # the flood and the meeting
