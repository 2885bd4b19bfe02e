"""Where a corpus run's articles come from: JSONL files, folders of text files, single text files.

``scan`` reads every input once, in order, on the machine that plans the run, and returns one
``Entry`` per article: where to read it again (a file, or a byte range of a JSONL file) and its
article id. Workers read their partition's entries again with ``load_entry``; nothing but these
small locators travels through the cluster, so the inputs must be readable by every worker at the
same path (a shared file system, as for the output directory).

* A ``.jsonl`` file holds one article per line, in the service's ``ArticleIn`` shape:
  ``{"text": ..., "article_id": ..., "published": "YYYY-MM-DD", "title": ..., "url": ...}``
  (only ``text`` is required; the id defaults to a hash of the text, as in the Python API). A
  bare JSON string is the text alone.
* A directory stands for every ``*.txt`` file under it (recursively, sorted by path), each read
  like ``extractor extract`` reads a file (front matter, ``NAME.meta.json`` sidecar).
* Any other path is one text article.

A line or file that cannot be an article is not dropped: its entry carries the reason
(``refused``), and the worker writes that article's typed error line in its partition. A later
article reusing an earlier one's id is refused the same way, so that every id in a run's output
is one article.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ExtractorError, InputError
from ..inputs import Article, check_metadata, check_text, load_article, make_article

__all__ = ["Entry", "load_entry", "scan"]


@dataclasses.dataclass(frozen=True)
class Entry:
    """One article of a run: where it is, its id (None when it could not be read), or why it is refused.

    ``source`` names it in messages and error lines (the path as given, ``:line`` for a JSONL
    line); ``path`` is absolute."""

    source: str
    path: str
    article_id: str | None
    offset: int = -1  # a JSONL line's first byte; -1 for a text file
    length: int = 0
    refused: str | None = None


def _line_article(raw: bytes, *, where: str, max_chars: int, published: dt.date | None) -> Article:
    try:
        value: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: not a JSON line ({exc})") from None
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise InputError(f"{where}: expected an object with a string 'text' (or a JSON string)")
    meta = check_metadata(value, where=where)
    article = make_article(
        value["text"],
        published=published or meta.get("published"),
        article_id=meta.get("article_id"),
        title=meta.get("title"),
        url=meta.get("url"),
    )
    check_text(article.text, max_chars=max_chars, where=where)
    return article


def _jsonl_entries(path: Path, *, max_chars: int, published: dt.date | None) -> Iterator[Entry]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Entry(str(path), str(path), None, refused=f"{path}: cannot read: {exc.strerror or exc}")
        return
    with stream:
        offset = 0
        for number, raw in enumerate(stream, 1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                article = _line_article(raw, where=where, max_chars=max_chars, published=published)
            except ExtractorError as exc:
                yield Entry(where, str(path), None, start, len(raw), refused=str(exc))
                continue
            yield Entry(where, str(path), article.article_id, start, len(raw))


def _file_entry(path: Path, *, max_chars: int, published: dt.date | None) -> Entry:
    try:
        article = load_article(path, max_chars=max_chars, published=published)
    except ExtractorError as exc:
        return Entry(str(path), str(path), None, refused=str(exc))
    return Entry(str(path), str(path), article.article_id)


def _expand(inputs: Iterable[Path]) -> Iterator[Path]:
    for path in inputs:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.txt") if not p.is_dir())
        else:
            yield path


def _absolute(entry: Entry) -> Entry:
    """Workers read ``path`` from another working directory (another machine, even): made absolute."""
    return dataclasses.replace(entry, path=os.path.abspath(entry.path))


def scan(inputs: Iterable[Path], *, max_chars: int, published: dt.date | None = None) -> list[Entry]:
    """Every article of ``inputs``, in order; an id used before is refused (the first keeps it)."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in _expand(inputs):
        found = (
            _jsonl_entries(path, max_chars=max_chars, published=published)
            if path.suffix == ".jsonl"
            else iter([_file_entry(path, max_chars=max_chars, published=published)])
        )
        for entry in found:
            first = seen.setdefault(entry.article_id, entry.source) if entry.article_id else None
            if first is not None and first != entry.source:
                reason = (
                    f"{entry.source}: article id {entry.article_id!r} is already used by {first}; "
                    "give one of them another article_id"
                )
                entries.append(_absolute(dataclasses.replace(entry, article_id=None, refused=reason)))
            else:
                entries.append(_absolute(entry))
    return entries


def load_entry(entry: Entry, *, max_chars: int, published: dt.date | None = None) -> Article:
    """The entry's article, read again (on a worker); an ``InputError`` if it is refused or changed."""
    if entry.refused is not None:
        raise InputError(entry.refused)
    if entry.offset < 0:
        article = load_article(Path(entry.path), max_chars=max_chars, published=published)
    else:
        try:
            with open(entry.path, "rb") as stream:
                stream.seek(entry.offset)
                raw = stream.read(entry.length)
        except OSError as exc:
            raise InputError(f"{entry.source}: cannot read: {exc.strerror or exc}") from None
        article = _line_article(raw, where=entry.source, max_chars=max_chars, published=published)
    if article.article_id != entry.article_id:
        raise InputError(
            f"{entry.source}: changed since the run was planned (article id {article.article_id!r}, "
            f"planned {entry.article_id!r}): start the run again in a new output directory"
        )
    return article
