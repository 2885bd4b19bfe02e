"""Report: built from results and gold, round-trips through JSON, renders escaped, highlighted HTML."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from evals.convert import gold_to_result
from evals.gold import GoldArticle
from evals.report import (
    REPORT_FORMAT,
    Report,
    build_report,
    highlight_segments,
    print_headline,
    render_html,
    render_markdown,
    write_report,
)
from schemas.events_v3 import SCHEMA_VERSION
from tests.test_scoring import SYNTHETIC_GOLD, SYNTHETIC_TEXT, synthetic_gold

META: dict[str, object] = {"created_at": "2024-03-06T12:00:00+00:00", "run": "test"}
HOSTILE_TEXT = SYNTHETIC_TEXT + "\nReader comment: <script>alert('x')</script> & more.\n"


def _golds() -> list[GoldArticle]:
    failed = GoldArticle.model_validate({**SYNTHETIC_GOLD, "article_id": "synthetic_failed"})
    return [synthetic_gold(), failed]


def _texts() -> dict[str, str]:
    return {"synthetic_001": HOSTILE_TEXT, "synthetic_failed": SYNTHETIC_TEXT}


def _report() -> Report:
    gold = synthetic_gold()
    result = gold_to_result(gold, HOSTILE_TEXT)
    result.events[0].evidence[0] = result.events[0].evidence[0].model_copy(update={"start": 3, "end": 40})
    return build_report(
        {"synthetic_001": result, "synthetic_failed": "LLMTimeoutError: no answer in 60 s", "orphan": "x"},
        _golds(),
        _texts(),
        mode="replay",
        meta=META,
    )


def test_report_records_versions_run_metadata_and_provenance() -> None:
    report = _report()
    assert report.report_format == REPORT_FORMAT
    assert report.schema_version == SCHEMA_VERSION
    assert report.created_at == dt.datetime(2024, 3, 6, 12, tzinfo=dt.UTC)
    assert report.mode == "replay"
    assert (report.prompt_id, report.model) == ("gold", "gold")  # from the first result's provenance
    assert report.meta == {"run": "test"}
    assert report.articles[0].provenance is not None
    assert report.unscored == ["orphan"]


def test_failed_article_is_scored_as_zero_predictions_with_its_error_listed() -> None:
    report = _report()
    failed = report.articles[1]
    assert failed.error == "LLMTimeoutError: no answer in 60 s"
    assert report.errors == {"synthetic_failed": "LLMTimeoutError: no answer in 60 s"}
    assert failed.predictions == [] and failed.matches == []
    assert [m.global_id for m in failed.missed_gold] == ["syn-clash", "syn-strike", "syn-protest"]
    assert failed.figures["event_f1"] == 0.0
    assert report.headline["event_f1"] == pytest.approx(2 / 3)  # 3 TP, 0 FP, 3 FN over the corpus


def test_matches_list_every_field_with_both_values() -> None:
    match = _report().articles[0].matches[0]
    assert match.global_id == "syn-clash" and match.pred_index == 0
    slots = {s.slot: s for s in match.slots}
    assert slots["countries"].gold == "COD" and slots["countries"].agree
    assert slots["actor2"].pred == "Red Hills Movement"


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        build_report({}, _golds(), _texts(), mode="dry-run", meta={})


def test_report_json_round_trips_through_the_model(tmp_path: Path) -> None:
    report = _report()
    paths = write_report(report, tmp_path, _texts(), _golds())
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html"]
    again = Report.model_validate_json((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert again == report
    raw = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert raw["totals"]["events"]["f1"] == pytest.approx(2 / 3)  # computed figures are written out too


def test_html_highlights_gold_and_predicted_evidence_and_escapes_article_text() -> None:
    html = render_html(_report(), _texts(), _golds())
    assert 'class="hl-gold"' in html and 'class="hl-pred"' in html and 'class="hl-both"' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<link" not in html and "src=" not in html  # self-contained


def test_highlight_segments_mark_overlaps_and_preserve_the_text() -> None:
    segments = highlight_segments("abcdefghij", [(2, 6, "g1")], [(4, 8, "#0"), (50, 60, "#1")])
    assert [(s.text, s.css) for s in segments] == [
        ("ab", ""),
        ("cd", "hl-gold"),
        ("ef", "hl-both"),
        ("gh", "hl-pred"),
        ("ij", ""),
    ]
    assert segments[2].title == "gold g1; pred #0"


def test_markdown_has_headline_per_article_and_per_field_tables() -> None:
    md = render_markdown(_report())
    assert "| Event F1 (untyped) | 0.667 |" in md
    assert "| synthetic_failed |" in md
    assert "| actor1 |" in md
    assert "LLMTimeoutError" in md


def test_headline_table_prints_every_figure() -> None:
    buffer = io.StringIO()
    print_headline(_report(), Console(file=buffer, width=120, color_system=None))
    out = buffer.getvalue()
    assert "Event F1 (typed)" in out and "Grounding rate" in out and "synthetic_failed" in out
