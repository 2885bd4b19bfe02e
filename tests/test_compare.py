"""Comparing reports: what changed per article and field, the gate, and refusing foreign reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.compare import compare_reports
from evals.convert import gold_to_result
from evals.gate import gate
from evals.gold import GoldArticle
from evals.report import (
    REPORT_FORMAT,
    Report,
    ReportFormatError,
    build_report,
    load_report,
    render_comparison,
    write_report,
)
from schemas.events_v3 import SCHEMA_VERSION
from tests.test_scoring import SYNTHETIC_TEXT, synthetic_gold

TEXTS = {"synthetic_001": SYNTHETIC_TEXT}


def _report(gold_for_predictions: GoldArticle | None = None, created_at: str = "2024-03-06T12:00") -> Report:
    result = gold_to_result(gold_for_predictions or synthetic_gold(), SYNTHETIC_TEXT)
    return build_report(
        {"synthetic_001": result}, [synthetic_gold()], TEXTS, mode="replay", meta={"created_at": created_at}
    )


def _without_strike() -> GoldArticle:
    g = synthetic_gold()
    del g.events[1]
    return g


def _with_shifted_date() -> GoldArticle:
    g = synthetic_gold()
    g.events[0].date.value = "2024-04-03"
    return g


def test_identical_reports_show_no_changes_and_pass_the_gate() -> None:
    comparison = compare_reports(_report(), _report(created_at="2024-03-07T12:00:00"))
    assert not comparison.changed
    assert all(d.delta == 0.0 for d in comparison.headline.values())
    assert all(not a.gained and not a.lost and not a.flips for a in comparison.articles)
    assert gate(comparison, "event_f1", 0.0)
    assert "No changes." in render_comparison(comparison)


def test_lost_record_is_listed_by_global_id_and_fails_the_gate_beyond_tolerance() -> None:
    comparison = compare_reports(_report(), _report(_without_strike()))
    article = comparison.articles[0]
    assert article.lost == ["syn-strike"] and article.gained == []
    drop = comparison.headline["event_f1"]
    assert drop.delta == pytest.approx(0.8 - 1.0)
    assert not gate(comparison, "event_f1", 0.1)
    assert gate(comparison, "event_f1", 0.25)
    assert gate(comparison, "attribution_accuracy", 0.0)  # unaffected figure
    assert "records lost: syn-strike" in render_comparison(comparison)


def test_gained_record_is_listed_the_other_way_round() -> None:
    comparison = compare_reports(_report(_without_strike()), _report())
    assert comparison.articles[0].gained == ["syn-strike"]
    assert gate(comparison, "event_f1", 0.0)


def test_field_flip_names_record_field_and_both_predictions() -> None:
    comparison = compare_reports(_report(), _report(_with_shifted_date()))
    (flip,) = comparison.articles[0].flips
    assert (flip.global_id, flip.slot) == ("syn-clash", "date")
    assert (flip.gold, flip.base_pred, flip.new_pred) == ("2024-03-03", "2024-03-03", "2024-04-03")
    assert flip.base_agree and not flip.new_agree
    changed = {k for k, d in comparison.headline.items() if d.changed}
    assert changed == {"slot_f1.date"}
    assert "`syn-clash` date now disagrees" in render_comparison(comparison)


def test_gate_rejects_an_unknown_metric_naming_the_available_ones() -> None:
    with pytest.raises(KeyError, match="event_f1_typed"):
        gate(compare_reports(_report(), _report()), "f1", 0.0)


def test_load_report_reads_a_written_report(tmp_path: Path) -> None:
    report = _report()
    write_report(report, tmp_path, TEXTS, [synthetic_gold()])
    assert load_report(tmp_path / "report.json") == report


@pytest.mark.parametrize(
    ("field", "current"), [("schema_version", SCHEMA_VERSION), ("report_format", REPORT_FORMAT)]
)
def test_load_report_refuses_other_versions_naming_both(tmp_path: Path, field: str, current: str) -> None:
    raw = json.loads(_report().model_dump_json())
    raw[field] = "other.v0"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ReportFormatError) as info:
        load_report(path)
    assert "other.v0" in str(info.value) and current in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("delta", [0.001, -0.001, 0.0001])
def test_the_exact_replay_gate_fails_on_a_change_of_a_thousandth(tmp_path: Path, delta: float) -> None:
    from click.testing import CliRunner

    from evals.gate import exact_differences
    from extractor.cli import main

    base = _report()
    new = base.model_copy(deep=True)
    new.headline["event_f1"] = base.headline["event_f1"] + delta
    assert exact_differences(base, new) == [
        f"headline.event_f1: {base.headline['event_f1']} -> {new.headline['event_f1']}"
    ]
    assert exact_differences(base, base.model_copy(deep=True)) == []
    for name, report in (("base", base), ("new", new)):
        write_report(report, tmp_path / name, TEXTS, [synthetic_gold()])
    done = CliRunner().invoke(
        main,
        ["eval", "compare", str(tmp_path / "base/report.json"), str(tmp_path / "new/report.json"), "--exact"],
    )
    assert done.exit_code == 1 and "replay gate failed: 1 figure(s)" in done.stderr
