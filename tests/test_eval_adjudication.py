"""`extractor eval` measures what `extract` runs, and its report says which path that was."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from evals.convert import gold_to_result
from evals.report import CODE_ONLY, build_report, print_headline, render_html, render_markdown
from evals.runner import EvalRunError, decided_by, resolve_adjudication, run_eval
from extractor.prompts import load_prompt
from extractor.settings import Settings
from schemas.events_v3 import ArticleResult
from tests.test_scoring import SYNTHETIC_TEXT, synthetic_gold


def _recordings(tmp_path: Path, **meta: object) -> Path:
    folder = tmp_path / "recordings" / "events.v5"
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"model": "m", **meta}), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("embedded", "expected"), [(True, False), (False, True)])
def test_replay_resolves_auto_against_the_endpoint_the_recordings_were_made_with(
    tmp_path: Path, embedded: bool, expected: bool
) -> None:
    folder = _recordings(tmp_path, embedded=embedded)
    assert resolve_adjudication(Settings(), "replay", folder).extraction.adjudicate is expected
    assert resolve_adjudication(Settings(adjudicate=True), "replay", folder).extraction.adjudicate is True


def test_replay_of_recordings_that_do_not_say_their_endpoint_stops(tmp_path: Path) -> None:
    with pytest.raises(EvalRunError, match="embedded"):
        resolve_adjudication(Settings(), "replay", _recordings(tmp_path))


def test_who_decided_is_named_from_the_prompt_and_the_resolved_settings() -> None:
    v5, v1 = load_prompt("events.v5"), load_prompt("events.v1")
    embedded = "the embedded model server (llama-cpp-python)"
    assert decided_by(v5, Settings(adjudicate=False), embedded) == CODE_ONLY
    assert decided_by(v5, Settings(adjudicate=True), embedded) == (
        f"LLM adjudication by smollm2-135m-instruct at {embedded}"
    )
    assert decided_by(v1, Settings(adjudicate=False), embedded).startswith("LLM extraction by smollm2")


def _shaped() -> ArticleResult:
    """A result whose events an LLM answer shaped (gold's own say no model was asked)."""
    result = gold_to_result(synthetic_gold(), SYNTHETIC_TEXT)
    provenance = result.provenance.model_copy(update={"adjudicated": True, "model": "smollm2-135m-instruct"})
    return result.model_copy(update={"provenance": provenance})


def _rendered(decided: str) -> tuple[str, str, str, str | None]:
    gold = synthetic_gold()
    report = build_report(
        {gold.article_id: _shaped() if decided != CODE_ONLY else gold_to_result(gold, SYNTHETIC_TEXT)},
        [gold],
        {gold.article_id: SYNTHETIC_TEXT},
        mode="replay",
        meta={"decided_by": decided, "model": "smollm2-135m-instruct"},
    )
    out = io.StringIO()
    print_headline(report, Console(file=out, width=200))
    texts = {gold.article_id: SYNTHETIC_TEXT}
    return render_markdown(report), render_html(report, texts, [gold]), out.getvalue(), report.model


def test_a_code_only_report_names_no_model_and_no_llm_answer() -> None:
    markdown, html, console, model = _rendered(CODE_ONLY)
    assert model is None
    assert "decided by: code only" in markdown and "decided by <b>code only</b>" in html
    for text in (markdown, html, console):
        assert "smollm2" not in text
        assert "LLM returned" not in text
        assert "Code proposed" in text


def test_a_report_whose_results_no_llm_shaped_is_code_only_whatever_it_was_told() -> None:
    gold = synthetic_gold()
    unshaped = gold_to_result(gold, SYNTHETIC_TEXT)
    assert unshaped.provenance.adjudicated is False  # gold: no model was asked
    for outcome, expected in ((unshaped, CODE_ONLY), (_shaped(), "LLM extraction by m at e")):
        report = build_report(
            {gold.article_id: outcome},
            [gold],
            {gold.article_id: SYNTHETIC_TEXT},
            mode="replay",
            meta={"decided_by": "LLM extraction by m at e"},
        )
        assert report.decided_by == expected


def test_an_llm_report_names_the_model_and_the_endpoint() -> None:
    decided = "LLM adjudication by smollm2-135m-instruct at http://llm.test/v1 (openai-compatible)"
    markdown, html, console, model = _rendered(decided)
    assert model == "smollm2-135m-instruct"
    assert f"decided by: {decided}" in markdown and decided in html
    assert "as the LLM adjudicated" in console


def test_a_default_replay_of_the_default_prompt_measures_code_alone(tmp_path: Path) -> None:
    """The recordings were made with the embedded model, whose default (auto) is code only."""
    settings = Settings(cache_dir=tmp_path / "cache")
    code = run_eval(mode="replay", prompt="events.v5", settings=settings, out_dir=tmp_path / "code")
    assert (code.decided_by, code.model) == (CODE_ONLY, None)
    assert all(a.provenance is None or not a.provenance.adjudicated for a in code.articles)
    adjudicating = settings.replace(adjudicate=True)
    llm = run_eval(mode="replay", prompt="events.v5", settings=adjudicating, out_dir=tmp_path / "llm")
    assert llm.decided_by == (
        "LLM adjudication by smollm2-135m-instruct at the embedded model server (llama-cpp-python), "
        "replayed from recordings/events.v5"
    )
    assert any(a.provenance is not None and a.provenance.adjudicated for a in llm.articles)
