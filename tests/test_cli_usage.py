"""Using the ``extractor`` command as people do: ``-v`` anywhere, folders and shell globs with their
sidecars, one message for a bad date, ``export`` given unmerged results, a neutral ``eval compare``,
``extractor serve`` when its model cannot start, and ``extractor.load_article(path)`` alone."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import extractor
from extractor import cli
from extractor.errors import InputError
from tests.fakes import ARTICLE

ROOT = Path(__file__).resolve().parents[1]
EXTRACTOR = Path(sys.executable).with_name("extractor")
OTHER = "Troops clashed with rebels near the border on Monday, the army said. Nobody was hurt.\n"


@pytest.fixture(autouse=True)
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Code only (no endpoint, no adjudication: no model is started) in a private folder."""
    for name in [n for n in os.environ if n.startswith("EXTRACTOR_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EXTRACTOR_ADJUDICATE", "0")
    monkeypatch.setenv("EXTRACTOR_PROMPT", "events.v5")
    root = logging.getLogger()
    level = root.level
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    yield folder
    root.setLevel(level)


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args))


def _lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


# ------------------------------------------------------------------ -v before or after the command


@pytest.mark.parametrize(
    ("args", "level"),
    [
        (["-v", "extract", "empty.txt"], logging.INFO),
        (["extract", "empty.txt", "-v"], logging.INFO),
        (["extract", "-vv", "empty.txt"], logging.DEBUG),
        (["-v", "extract", "empty.txt", "--verbose"], logging.DEBUG),
        (["extract", "empty.txt"], logging.WARNING),
    ],
)
def test_verbose_is_accepted_before_and_after_the_command_and_counts_add_up(
    args: list[str], level: int
) -> None:
    Path("empty.txt").write_text("")
    result = _invoke(*args)
    assert result.exit_code == 1, result.output  # the empty file's error, not a usage error (2)
    assert "No such option" not in result.stderr
    assert logging.getLogger().level == level


REPORT = str(ROOT / "evals" / "reports" / "events.v5" / "report.json")


@pytest.mark.parametrize(
    "args",
    [
        ["prompts", "list", "-v"],
        ["prompts", "-v", "list"],
        ["eval", "compare", REPORT, REPORT, "--exact", "-v"],  # a plug-in command
        ["batch", "-v", "status", "--help"],
        ["export", "empty.jsonl", "-o", "out.csv", "-v"],
    ],
)
def test_every_command_and_plugin_command_takes_verbose(args: list[str]) -> None:
    Path("empty.jsonl").write_text("")
    result = _invoke(*args)
    assert result.exit_code == 0, result.output
    assert logging.getLogger().level == logging.INFO


# ------------------------------------------------------------------ folders and globs


def test_a_folder_is_read_as_its_txt_files_in_sorted_order_with_their_sidecars() -> None:
    folder = Path("articles")
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text(OTHER)
    (folder / "a.txt").write_text(ARTICLE)
    (folder / "a.meta.json").write_text(json.dumps({"published": "2023-03-15", "title": "T"}))
    (folder / "notes.md").write_text("not an article")
    (folder / ".hidden.txt").write_text(OTHER)
    (folder / "sub" / "c.txt").write_text(OTHER)
    result = _invoke("extract", "articles")
    assert result.exit_code == 0, result.stderr
    lines = _lines(result.stdout)
    assert [line["article_id"] for line in lines] == ["a", "b"]
    assert (lines[0]["published"], lines[0]["title"]) == ("2023-03-15", "T")
    assert all(line["events"] for line in lines)


def test_a_folder_without_articles_is_an_error_line_naming_it() -> None:
    Path("empty").mkdir()
    Path("empty/notes.md").write_text("x")
    result = _invoke("extract", "empty")
    assert result.exit_code == 1
    assert _lines(result.stdout) == [
        {
            "article_id": None,
            "source": "empty",
            "error": {"type": "InputError", "message": "empty: is a folder without any *.txt article file"},
        }
    ]


def test_sidecars_given_beside_their_articles_are_skipped_with_a_note() -> None:
    """``extractor extract articles/*`` names each article and its NAME.meta.json."""
    Path("a.txt").write_text(ARTICLE)
    Path("a.meta.json").write_text(json.dumps({"published": "2023-03-15"}))
    Path("b.txt").write_text(OTHER)
    Path("b.meta.json").write_text(json.dumps({"article_id": "bee"}))
    result = _invoke("extract", "a.meta.json", "a.txt", "b.meta.json", "b.txt")
    assert result.exit_code == 0, result.stderr
    lines = _lines(result.stdout)
    assert [line["article_id"] for line in lines] == ["a", "bee"]
    assert lines[0]["published"] == "2023-03-15"
    assert all("error" not in line for line in lines)
    note = " ".join(result.stderr.split())
    assert "note: skipped 2 metadata sidecar(s) given as files (a.meta.json and 1 more)" in note


def test_a_sidecar_given_without_its_article_is_read_as_asked() -> None:
    Path("lone.meta.json").write_text(json.dumps({"published": "2023-03-15"}))
    result = _invoke("extract", "lone.meta.json")
    assert "note: skipped" not in result.stderr
    assert [line["article_id"] for line in _lines(result.stdout)] == ["lone.meta"]


# ------------------------------------------------------------------ one message for a bad date


@pytest.mark.parametrize("command", [["extract"], ["batch", "prepare", "-o", "out"]])
def test_an_impossible_published_date_is_one_message_naming_the_option_and_the_value(
    command: list[str],
) -> None:
    Path("a.txt").write_text(ARTICLE)
    result = _invoke(*command, "--published", "2024-02-30", "a.txt")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert (
        "Error: Invalid value for '--published': '2024-02-30' is not an ISO date (YYYY-MM-DD): "
        "day is out of range for month"
    ) in message
    assert message.count("published") == 1
    assert not Path("out").exists()


# ------------------------------------------------------------------ export of unmerged results


def test_export_of_unmerged_results_is_refused_naming_merge_and_writes_nothing() -> None:
    Path("a.txt").write_text(ARTICLE)
    assert _invoke("extract", "a.txt", "-o", "results.jsonl").exit_code == 0
    result = _invoke("export", "results.jsonl", "-o", "events.csv")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "results.jsonl: article results (from `extractor extract`), not a corpus" in message
    assert "extractor merge results.jsonl -o corpus.jsonl" in message
    assert not Path("events.csv").exists()
    # the way the message shows works
    assert _invoke("merge", "results.jsonl", "-o", "corpus.jsonl").exit_code == 0
    exported = _invoke("export", "corpus.jsonl", "-o", "events.csv")
    assert exported.exit_code == 0, exported.stderr
    assert len(Path("events.csv").read_text().splitlines()) == 2  # the header and one event


# ------------------------------------------------------------------ eval compare without house tooling


def test_eval_compare_names_no_project_tooling_unless_given_a_hint(tmp_path: Path) -> None:
    base = Path(REPORT)
    changed = json.loads(base.read_text())
    changed["headline"]["event_f1"] = round(changed["headline"]["event_f1"] + 0.125, 4)
    new = tmp_path / "new.json"
    new.write_text(json.dumps(changed))
    helped = _invoke("eval", "compare", "--help")
    plain = _invoke("eval", "compare", str(base), str(new), "--exact")
    hinted = _invoke("eval", "compare", str(base), str(new), "--exact", "--rerender-hint", "tox -e baseline")
    assert helped.exit_code == 0 and "make" not in helped.stdout
    assert plain.exit_code == 1 and hinted.exit_code == 1
    assert "make" not in plain.stderr
    assert "re-render the baseline" in " ".join(plain.stderr.split())
    assert "re-render the baseline with: tox -e baseline" in " ".join(hinted.stderr.split())


# ------------------------------------------------------------------ extractor.load_article(path)


def test_load_article_needs_only_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("a.txt").write_text(ARTICLE)
    Path("a.meta.json").write_text(json.dumps({"published": "2023-03-15"}))
    loaded = extractor.load_article("a.txt")
    assert (loaded.article_id, loaded.text, str(loaded.published)) == ("a", ARTICLE, "2023-03-15")
    assert extractor.load_article(Path("a.txt")) == loaded
    monkeypatch.setenv("EXTRACTOR_MAX_ARTICLE_CHARS", "20")  # the limit extract() applies, by default
    with pytest.raises(InputError, match="EXTRACTOR_MAX_ARTICLE_CHARS=20"):
        extractor.load_article("a.txt")
    assert extractor.load_article("a.txt", max_chars=len(ARTICLE)).text == ARTICLE


# ------------------------------------------------------------------ serve when its model cannot start


def test_serve_says_in_one_line_when_its_model_cannot_start(tmp_path: Path) -> None:
    """``EXTRACTOR_ADJUDICATE=1 extractor serve`` without the [local] extra (or its model file)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env |= {
        "EXTRACTOR_ADJUDICATE": "1",
        "EXTRACTOR_LOCAL_MODEL": str(tmp_path / "missing.gguf"),
        "EXTRACTOR_DATA_DIR": str(tmp_path / "data"),
        "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
    }
    run = subprocess.run(
        [str(EXTRACTOR), "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("error: "), run.stderr
    assert "extractor[local]" in run.stderr or "missing.gguf is not a file" in run.stderr
