"""scripts/check_run.py (the last step of `make run`) names error lines instead of crashing on them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, grounded_answer, ok

SCRIPT = Path(__file__).parent.parent / "scripts" / "check_run.py"


def _check_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_run", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _result_line(tmp_path: Path) -> str:
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]))
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="good")
    assert len(result.events) == 1
    return result.model_dump_json()


ERROR_LINE = json.dumps(
    {
        "article_id": "bad",
        "source": "bad.txt",
        "error": {"type": "LLMTimeoutError", "message": "the endpoint did not answer in time"},
    }
)


def test_an_output_with_an_error_line_is_reported_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "run.jsonl"
    output.write_text(f"{_result_line(tmp_path)}\n{ERROR_LINE}\n", encoding="utf-8")
    code = _check_run().main(output, articles)
    captured = capsys.readouterr()
    assert code == 1
    assert "FAIL bad: failed with LLMTimeoutError: the endpoint did not answer in time" in captured.err
    assert "checked 1 result(s): 1 event(s) kept" in captured.out
    assert "all at their offsets: True" in captured.out


def test_a_clean_output_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "run.jsonl"
    output.write_text(f"{_result_line(tmp_path)}\n", encoding="utf-8")
    assert _check_run().main(output, articles) == 0
    assert "FAIL" not in capsys.readouterr().err


def test_a_line_that_is_neither_is_named_by_its_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "run.jsonl"
    output.write_text('{"article_id": "x"}\nnot json\n', encoding="utf-8")
    assert _check_run().main(output, tmp_path) == 1
    err = capsys.readouterr().err
    assert "line 1: not a result nor an error line" in err and "line 2: not JSON" in err
