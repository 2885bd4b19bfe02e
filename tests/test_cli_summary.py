"""What ``extractor extract -o`` prints besides its output file: a summary line always, the table of
events only for a few hundred articles (or with ``--table``), nothing but failures with ``-q``.

A 10,000-file run used to print a 110,000-line table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from extractor import cli_run
from extractor.cli import main

TEXTS = {
    "a": "Gunmen attacked a convoy near Mopti on Wednesday, killing four soldiers, officials said.\n",
    "b": "Troops clashed with rebels near Gao on Monday, the army said.\n",
    "c": "The council met on Tuesday to discuss the budget for roads and schools.\n",
}


@pytest.fixture(autouse=True)
def articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in TEXTS.items():
        Path(f"{name}.txt").write_text(text, encoding="utf-8")
    Path("empty.txt").write_text("", encoding="utf-8")


def _extract(*options: str, files: tuple[str, ...] = ("a.txt", "b.txt", "c.txt")) -> Result:
    env = {"EXTRACTOR_ADJUDICATE": "0", "EXTRACTOR_CACHE_DIR": "cache", "EXTRACTOR_BASE_URL": ""}
    Path("out.jsonl").unlink(missing_ok=True)
    return CliRunner().invoke(main, ["extract", *files, "-o", "out.jsonl", *options], env=env)


def _summary(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("wrote ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_small_run_prints_the_table_and_a_summary_line() -> None:
    result = _extract()
    assert result.exit_code == 0, result.output
    assert "Extracted events" in result.stdout
    summary = _summary(result)
    assert summary.startswith("wrote 3 result(s) to out.jsonl: ")
    assert "1 article(s) with none" in summary and "no table" not in summary


def test_past_the_limit_only_the_summary_line_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_run, "TABLE_MAX_ARTICLES", 2)
    result = _extract()
    assert result.exit_code == 0
    assert "Extracted events" not in result.stdout and result.stdout.strip() == ""
    assert "no table for more than 2 articles (--table prints it)" in _summary(result)


def test_table_forces_the_table_and_no_table_leaves_it_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_run, "TABLE_MAX_ARTICLES", 2)
    assert "Extracted events" in _extract("--table").stdout
    monkeypatch.setattr(cli_run, "TABLE_MAX_ARTICLES", 200)
    left_out = _extract("--no-table")
    assert "Extracted events" not in left_out.stdout and _summary(left_out)


def test_quiet_prints_only_the_failures() -> None:
    result = _extract("-q", files=("a.txt", "empty.txt", "b.txt"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["failed"]
    assert "empty.txt" in result.stderr
    assert len(Path("out.jsonl").read_text(encoding="utf-8").splitlines()) == 3
