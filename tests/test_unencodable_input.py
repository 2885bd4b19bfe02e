"""Text that Python accepts but no UTF-8 output can hold (a lone surrogate) is refused at the edge.

It used to make ``extract_many`` raise and lose the whole batch (and the CLI crash while writing
an error line for a file whose name has undecodable bytes). Now it is an ``InputError`` naming the
input and the field, in its own place; the other inputs are processed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import extractor
from extractor.cli import main
from extractor.errors import InputError
from extractor.inputs import Article, load_article
from extractor.settings import Settings

GOOD = "Troops clashed with rebels near Gao on Monday, the army said."
LONE = "\ud800"


def _code_only(tmp_path: Path) -> Settings:
    return Settings(adjudicate=False, use_cache=False, cache_dir=tmp_path / "cache")


def test_extract_many_refuses_a_lone_surrogate_in_its_place_and_extracts_the_others(tmp_path: Path) -> None:
    outcomes = extractor.extract_many([GOOD, f"Rebels {LONE} attacked.", GOOD], settings=_code_only(tmp_path))
    assert [type(o).__name__ for o in outcomes] == ["ArticleResult", "InputError", "ArticleResult"]
    message = str(outcomes[1])
    assert message.startswith("item 1: text contains U+D800 at character 7") and "lone surrogate" in message


@pytest.mark.parametrize(
    ("field", "arguments"),
    [
        ("text", {"text": f"{GOOD} {LONE}"}),
        ("title", {"text": GOOD, "title": f"Title {LONE}"}),
        ("url", {"text": GOOD, "url": f"https://news.test/{LONE}"}),
    ],
)
def test_extract_names_the_field_holding_a_lone_surrogate(
    tmp_path: Path, field: str, arguments: dict[str, str]
) -> None:
    with pytest.raises(InputError, match=f"article 'a1': {field} contains U\\+D800"):
        extractor.extract(**arguments, article_id="a1", settings=_code_only(tmp_path))


def test_an_article_built_directly_is_refused_too() -> None:
    with pytest.raises(InputError, match="article a1: text contains U\\+DCFF"):
        Article(text="Rebels\udcffattacked", article_id="a1")


def test_a_sidecar_title_escaping_a_lone_surrogate_is_refused_naming_the_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"title": "Broken \\ud83d escape"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.meta\.json: title contains U\+D83D"):
        load_article(tmp_path / "a.txt", max_chars=10_000)


def test_the_cli_writes_an_error_line_for_such_inputs_and_extracts_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "c"):
        Path(f"{name}.txt").write_text(GOOD, encoding="utf-8")
    Path("b.meta.json").write_text(json.dumps({"title": f"x{LONE}"}), encoding="utf-8")
    odd = os.fsdecode(b"odd\xff.txt")  # a file name that is not UTF-8 (an empty file: refused)
    Path(odd).write_bytes(b"")
    monkeypatch.setenv("EXTRACTOR_ADJUDICATE", "0")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    done = CliRunner().invoke(main, ["extract", "a.txt", "b.txt", odd, "c.txt", "-o", "out.jsonl"])
    assert done.exit_code == 1, done.output
    lines = [json.loads(line) for line in Path("out.jsonl").read_text(encoding="utf-8").splitlines()]
    by_source = {line.get("source", line["article_id"]): line for line in lines}
    assert set(by_source) == {"a", "c", "b.txt", "odd\\udcff.txt"}
    assert by_source["b.txt"]["error"]["type"] == "InputError"
    assert "title contains U+D800" in by_source["b.txt"]["error"]["message"]
    assert "events" in by_source["a"] and "events" in by_source["c"]
