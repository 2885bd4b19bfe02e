"""Article inputs: an ``Article`` from a file (checked, with its metadata) or from API arguments,
before any LLM call. Reading is in ``input_files`` (which files, a bounded read of a regular file)
and ``input_text`` (encodings, the checks of a text); metadata (front matter, sidecars, the checks
of each field) in ``input_metadata``.

Metadata comes from, in order of precedence: explicit arguments, YAML front matter at the top of
the file, or a sidecar file ``<name>.meta.json`` next to ``<name>.txt``.

Without an ``article_id`` the id is the file name without its extension, with every run of other
characters replaced by ``-`` (``Kidal attack (1).txt`` -> ``Kidal-attack-1``), or, if nothing
usable is left, ``sha256-`` and 16 hex digits of the text (as for text given to the Python API).
Two files of one run with the same id: the later one is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import ExtractorError, InputError
from .input_files import read_regular_file
from .input_metadata import (
    ARTICLE_ID_PATTERN,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    check_article_id,
    check_metadata,
    check_text_field,
    front_matter,
    parse_date,
    sidecar_metadata,
)
from .input_text import check_encodable, check_text, decode_article, max_article_bytes, size_hint
from .settings import Settings

__all__ = [
    "ARTICLE_ID_PATTERN",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "Article",
    "as_article",
    "check_encodable",
    "check_metadata",
    "check_text",
    "decode_article",
    "load_article",
    "load_articles",
    "make_article",
    "max_article_bytes",
    "not_an_article",
    "parse_date",
    "read_regular_file",
]


@dataclasses.dataclass(frozen=True)
class Article:
    """One article to extract from. Its metadata is checked on construction (``InputError``)."""

    text: str
    article_id: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError("Article.text must be a str (decode bytes with extractor.inputs.decode_article)")
        where = f"article {check_article_id(self.article_id, 'article')}"
        check_encodable(self.text, field="text", where=where)
        check_text_field(self.title, "title", MAX_TITLE_CHARS, where)
        check_text_field(self.url, "url", MAX_URL_CHARS, where)
        if self.published is not None and not isinstance(self.published, dt.date):
            raise InputError(f"{where}: published must be a date, got {type(self.published).__name__}")


def _text_id(text: str) -> str:
    return "sha256-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _id_from_name(path: Path, text: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("._-")[:128].rstrip("._-")
    return safe or _text_id(text)


def load_article(
    path: str | os.PathLike[str], *, max_chars: int | None = None, published: dt.date | None = None
) -> Article:
    """Read and check one article file with its metadata (an InputError naming the file otherwise).

    ``extractor.load_article("story.txt")`` is enough: ``max_chars`` defaults to
    ``Settings.from_env().extraction.max_article_chars`` (``EXTRACTOR_MAX_ARTICLE_CHARS``, 200,000), the
    limit ``extractor.extract`` applies; ``published`` overrides the file's own date.
    """
    path = Path(path)
    if max_chars is None:
        max_chars = Settings.from_env().extraction.max_article_chars
    where = str(path)
    limit = max_article_bytes(max_chars)
    data = read_regular_file(path, limit=limit, where=where, hint=size_hint(max_chars))
    text = decode_article(data, max_chars=max_chars, where=where)
    front, text = front_matter(text, where)
    check_text(text, max_chars=max_chars, where=where)
    meta = {**sidecar_metadata(path), **front}
    return Article(
        text=text,
        article_id=meta.get("article_id") or _id_from_name(path, text),
        published=published or meta.get("published"),
        title=meta.get("title"),
        url=meta.get("url"),
    )


def load_articles(
    paths: Iterable[Path], *, max_chars: int, published: dt.date | None = None
) -> Iterator[tuple[str, Article | ExtractorError]]:
    """Each file's article, or the error refusing it; a later file reusing an id is refused."""
    seen: dict[str, str] = {}
    for path in paths:
        try:
            article = load_article(path, max_chars=max_chars, published=published)
        except ExtractorError as exc:
            yield str(path), exc
            continue
        first = seen.get(article.article_id)
        seen.setdefault(article.article_id, str(path))
        rule = "give one of them another article_id (front matter or NAME.meta.json)"
        used = InputError(f"{path}: article id {article.article_id!r} is already used by {first}; {rule}")
        yield str(path), (article if first is None else used)


def make_article(
    text: str,
    published: dt.date | str | None = None,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    *,
    where: str | None = None,
) -> Article:
    """An ``Article`` from API arguments, checked; the id defaults to a hash of the text.

    ``where`` names the input in errors (default: ``article ID``, or ``article`` without an id).
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str (decode bytes with extractor.inputs.decode_article)")
    name = where or (f"article {article_id!r:.60}" if article_id is not None else "article")
    check_encodable(text, field="text", where=name)
    for field, value in (("title", title), ("url", url)):
        if isinstance(value, str):
            check_encodable(value, field=field, where=name)
    return Article(
        text=text,
        article_id=_text_id(text) if article_id is None else article_id,  # "" is refused, not replaced
        published=parse_date(published),
        title=title,
        url=url,
    )


def as_article(item: object, *, index: int) -> Article:
    """Item ``index`` of a batch as an ``Article``: a str or an Article; anything else is an InputError."""
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return make_article(item, where=f"item {index}")
    raise not_an_article(item, index=index)


def not_an_article(item: object, *, index: int) -> InputError:
    """The error for batch item ``index`` that is neither a str nor an ``Article``."""
    return InputError(f"item {index}: expected str or Article, got {type(item).__name__}")
