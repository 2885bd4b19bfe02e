"""Reading results files and corpus files line by line: a bad line is named (file:line) and skipped.

``read_results`` reads ``events.v3`` result JSONL files (``extractor extract -o``); ``read_corpus``
reads ``corpus.v2`` JSONL files (``extractor merge -o``). Neither stops at a bad line: it is
reported as a ``LineProblem`` and the other lines are kept. ``write_corpus`` writes one corpus
event per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from schemas import corpus_v2, events_v3
from schemas.corpus_v2 import CorpusEvent
from schemas.events_v3 import ArticleResult

__all__ = ["LineProblem", "Located", "read_corpus", "read_results", "write_corpus"]

_T = TypeVar("_T")
_RESULT_VERSION_AT = "provenance.schema_version"  # where an article result names its schema
_M = TypeVar("_M", bound=BaseModel)


@dataclass(frozen=True)
class LineProblem:
    """A line that was not used, and why."""

    path: Path
    line: int  # 0 when the whole file could not be read
    message: str
    #: the line is an article result (``extractor extract``) where a corpus event was expected
    unmerged: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Located(Generic[_T]):
    """A record and where it was read."""

    record: _T
    path: Path
    line: int


def _lines(path: Path) -> Iterator[tuple[int, str | LineProblem]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except UnicodeDecodeError as exc:
        yield 0, LineProblem(path, 0, f"not UTF-8 text ({exc.reason})")
    except OSError as exc:
        yield 0, LineProblem(path, 0, f"cannot read: {exc.strerror or exc}")


def _problems(exc: ValidationError) -> str:
    errors = exc.errors()
    shown = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return shown + more


def _version(raw: dict[str, Any], where: str) -> object:
    value: object = raw
    for key in where.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _read(
    paths: Sequence[Path], model: type[_M], version_at: str, version: str, what: str, *, corpus: bool = False
) -> tuple[list[Located[_M]], list[LineProblem]]:
    records: list[Located[_M]] = []
    problems: list[LineProblem] = []
    for path in paths:
        for number, line in _lines(path):
            if isinstance(line, LineProblem):
                problems.append(line)
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(LineProblem(path, number, f"not JSON (torn or corrupt line: {exc.msg})"))
                continue
            if not isinstance(raw, dict):
                problems.append(LineProblem(path, number, f"not {what} (expected a JSON object)"))
                continue
            if corpus and _version(raw, _RESULT_VERSION_AT) is not None:
                message = "an article result of `extractor extract`, not a corpus event"
                problems.append(LineProblem(path, number, message, unmerged=True))
                continue
            found = _version(raw, version_at)
            if found is not None and found != version:
                problems.append(
                    LineProblem(path, number, f"{what} of schema {found!r}; this version reads {version!r}")
                )
                continue
            try:
                records.append(Located(model.model_validate(raw), path, number))
            except ValidationError as exc:
                problems.append(LineProblem(path, number, f"not {what} ({version}): {_problems(exc)}"))
    return records, problems


def read_results(paths: Sequence[Path]) -> tuple[list[Located[ArticleResult]], list[LineProblem]]:
    """Every valid ``events.v3`` result of ``paths``; a repeated article id is a problem (first kept)."""
    records, problems = _read(
        paths, ArticleResult, _RESULT_VERSION_AT, events_v3.SCHEMA_VERSION, "an article result"
    )
    first: dict[str, Located[ArticleResult]] = {}
    kept: list[Located[ArticleResult]] = []
    for loc in records:
        seen = first.get(loc.record.article_id)
        if seen is not None:
            problems.append(
                LineProblem(
                    loc.path,
                    loc.line,
                    f"duplicate article id {loc.record.article_id!r} "
                    f"(first at {seen.path}:{seen.line}): skipped",
                )
            )
            continue
        first[loc.record.article_id] = loc
        kept.append(loc)
    return kept, problems


def read_corpus(paths: Sequence[Path]) -> tuple[list[Located[CorpusEvent]], list[LineProblem]]:
    """Every valid ``corpus.v2`` event of ``paths``; an article result is a problem marked ``unmerged``."""
    return _read(
        paths, CorpusEvent, "schema_version", corpus_v2.SCHEMA_VERSION, "a corpus event", corpus=True
    )


def write_corpus(events: Iterable[CorpusEvent], path: Path) -> int:
    """Write one corpus event per line (parent folders created); return how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for event in events:
            handle.write(event.model_dump_json() + "\n")
            n += 1
    return n
