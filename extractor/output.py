"""The JSONL output of ``extractor extract``: one line per article, written as each article finishes.

Each line is flushed as soon as its article is done, so whatever was finished is on disk (or on
stdout) however the run ends. A line is either

* a result: an ``ArticleResult`` (``{"article_id": ..., "events": [...], ...}``), or
* an error: ``{"article_id": ID or null, "source": FILE, "error": {"type": "InputError",
  "message": ...}}`` (``article_id`` is null when the file could not be read far enough to know it).

Resuming a file (``JsonlOutput.open(path, resume=True)``) keeps its results and returns their
article ids, so that those articles are skipped; it removes a torn last line (one cut off by a
crash: not valid JSON), every error line (those articles are tried again if given again), and any
second result for the same article, so that afterwards every article appears exactly once. The
file is rewritten (to a temporary file, then renamed over it) only when something is removed or
its last line lacks its newline. Any other unreadable line stops the resume: the file was
edited, or is not an output of ``extractor``.

Without ``resume`` an existing non-empty file is refused rather than overwritten or appended to.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from rich.table import Table

from schemas.events_v3 import ArticleResult, Span

from .errors import ExtractorError

__all__ = ["JsonlOutput", "OutputFileError", "ResumeReport", "summary_table"]


class OutputFileError(Exception):
    """The output file cannot be written or resumed; raised before any article is extracted.

    Not an ``ExtractorError``: only the CLI writes output files, and it reports this as a usage
    error (exit 2).
    """


@dataclasses.dataclass(frozen=True)
class ResumeReport:
    """What resuming found in the output file."""

    done: frozenset[str] = frozenset()
    torn_line: bool = False
    error_lines: int = 0
    duplicates: int = 0


def _read_for_resume(path: Path) -> tuple[list[bytes], ResumeReport, bool]:
    """The lines to keep, what was found, and whether the file must be rewritten."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    rewrite = bool(lines[-1])  # the last line has no newline: torn, or to be completed
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    rewrite = rewrite or len(numbered) != len(lines) - 1
    keep: list[bytes] = []
    done: set[str] = set()
    torn = errors = duplicates = 0
    for position, (n, line) in enumerate(numbered, 1):
        try:
            record = json.loads(line)
        except ValueError:
            if position == len(numbered):
                torn = 1
                continue
            raise OutputFileError(
                f"{path}: line {n} is not valid JSON: this file was edited or is not an output of "
                "extractor; fix or remove that line, or write to another file"
            ) from None
        if isinstance(record, dict) and "error" in record:
            errors += 1
            continue
        article_id = record.get("article_id") if isinstance(record, dict) else None
        if not isinstance(article_id, str):
            raise OutputFileError(f"{path}: line {n} is not an extractor result (no article_id)")
        if article_id in done:
            duplicates += 1
            continue
        done.add(article_id)
        keep.append(line)
    report = ResumeReport(frozenset(done), bool(torn), errors, duplicates)
    return keep, report, rewrite or bool(torn or errors or duplicates)


def _replace(path: Path, lines: list[bytes]) -> None:
    temporary = path.with_name(f".{path.name}.resume.tmp")
    with temporary.open("wb") as file:
        file.write(b"".join(line + b"\n" for line in lines))
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def _writable(text: str) -> str:
    """``text`` with what UTF-8 cannot hold escaped (``\\udcff``: a file name's undecodable byte)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class JsonlOutput:
    """Appends one JSON line per article to a stream and flushes it at once."""

    def __init__(self, stream: TextIO, path: Path | None = None, resumed: ResumeReport | None = None) -> None:
        self.stream = stream
        self.path = path
        self.resumed = resumed or ResumeReport()
        self.results = 0
        self.errors = 0

    @classmethod
    def to_stdout(cls) -> JsonlOutput:
        return cls(sys.stdout)

    @classmethod
    def open(cls, path: Path, *, resume: bool) -> JsonlOutput:
        """Check that ``path`` can be written (and resumed) and open it for appending."""
        try:
            if path.exists() and not path.is_file():
                raise OutputFileError(f"{path}: is not a regular file")
            path.parent.mkdir(parents=True, exist_ok=True)
            report = ResumeReport()
            if resume and path.exists():
                keep, report, rewrite = _read_for_resume(path)
                if rewrite:
                    _replace(path, keep)
            elif path.exists() and path.stat().st_size > 0:
                raise OutputFileError(
                    f"{path}: already exists and is not empty: pass --resume to continue it, "
                    "or remove it to start again"
                )
            stream = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise OutputFileError(f"{path}: cannot be written: {exc.strerror or exc}") from None
        return cls(stream, path, report)

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def result(self, result: ArticleResult) -> None:
        self._line(result.model_dump_json())
        self.results += 1

    def error(self, error: ExtractorError, *, source: str, article_id: str | None) -> None:
        body = {"type": type(error).__name__, "message": _writable(str(error))}
        line = {"article_id": article_id, "source": _writable(source), "error": body}
        self._line(json.dumps(line, ensure_ascii=False))
        self.errors += 1

    def close(self) -> None:
        if self.path is not None:
            self.stream.close()


def _words(span: Span | None) -> str:
    return "?" if span is None else span.quote


def summary_table(results: list[ArticleResult]) -> Table:
    """One row per event (or per article with none kept): the table ``extract -o`` prints."""
    table = Table(title="Extracted events", show_lines=True)
    for column in ("article", "type", "date", "where", "actor1 -> actor2", "killed", "evidence [start:end]"):
        table.add_column(column, overflow="fold")
    for result in results:
        if not result.events:
            dropped = f"{len(result.diagnostics.dropped)} dropped as ungrounded/invalid"
            table.add_row(result.article_id, "(none kept)", "", "", "", "", dropped)
        for event in result.events:
            where = "; ".join(
                filter(
                    None,
                    (
                        f"{loc.place.quote if loc.place else ''} {loc.country_code or ''}".strip()
                        for loc in event.locations
                    ),
                )
            )
            span = event.evidence[0]
            table.add_row(
                result.article_id,
                event.event_type,
                event.date.value or "?",
                where,
                f"{_words(event.actor1)} -> {_words(event.actor2)}",
                "" if event.fatalities is None else str(event.fatalities),
                f"[{span.start}:{span.end}] {span.quote[:90]}",
            )
    return table
