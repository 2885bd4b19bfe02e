"""Articles, inputs and output readers for the corpus-run tests (texts written for these tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

PLACES = ("the river town", "the northern market", "a border crossing", "the old port", "a hill village")


def text(i: int) -> str:
    """Article ``i``: a unique first sentence (the fake LLM's evidence), then a casualty claim."""
    place = PLACES[i % len(PLACES)]
    return (
        f"Rebels attacked army post number {i} near {place} on Monday. "
        f"The army said {i % 7 + 2} soldiers were killed in the fighting. "
        "Police arrested four men in the capital on Tuesday."
    )


def article_ids(n: int) -> list[str]:
    return [f"art-{i:03d}" for i in range(n)]


def write_jsonl(path: Path, n: int, *, extra: list[str] | None = None) -> Path:
    lines = [
        json.dumps({"article_id": aid, "text": text(i), "published": "2023-03-15"})
        for i, aid in enumerate(article_ids(n))
    ]
    path.write_text("\n".join([*lines, *(extra or [])]) + "\n", encoding="utf-8")
    return path


def write_texts(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, aid in enumerate(article_ids(n)):
        path = folder / f"{aid}.txt"
        path.write_text(f"---\npublished: 2023-03-15\n---\n{text(i)}", encoding="utf-8")
        paths.append(path)
    return paths


def lines_of(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines()]


def parts(out_dir: Path) -> list[Path]:
    return sorted(out_dir.glob("part-*.jsonl"))


def comparable(records: list[dict[str, Any]]) -> list[str]:
    """Each line without what is measured (durations), sorted by article: equal runs give equal lists."""
    out = []
    for record in records:
        copy = json.loads(json.dumps(record))
        provenance = copy.get("provenance") or {}
        provenance.pop("duration_s", None)
        provenance.pop("llm_duration_s", None)
        out.append(json.dumps(copy, sort_keys=True))
    return sorted(out)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No EXTRACTOR_* setting from the developer's shell; cache off, in tmp_path."""
    for name in list(os.environ):
        if name.startswith("EXTRACTOR_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    monkeypatch.setenv("EXTRACTOR_NO_CACHE", "1")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    return monkeypatch
