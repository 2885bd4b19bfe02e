"""Article inputs: checks (size, encoding, binary, empty) and metadata, before any LLM call.

Metadata (publication date, title, url) comes from, in order of precedence: explicit
arguments, YAML front matter at the top of the file (``---`` ... ``---``), or a sidecar file
``<name>.meta.json`` next to ``<name>.txt``. The front matter is removed from the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

__all__ = ["Article", "check_text", "decode_article", "load_article", "make_article", "parse_date"]


@dataclasses.dataclass(frozen=True)
class Article:
    """One article to extract from."""

    text: str
    article_id: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None


def parse_date(value: object, *, where: str = "published") -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) from a string/date, or ``None``; anything else is an InputError."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) > 10 and text[10] in "T ":
            return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    raise InputError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)")


def check_text(text: str, *, max_chars: int, where: str = "article") -> str:
    """Refuse text that cannot be an article; return it unchanged otherwise."""
    if "\x00" in text:
        raise InputError(f"{where}: contains NUL bytes; this looks like a binary file, not an article")
    if not text.strip():
        raise InputError(f"{where}: is empty or only whitespace")
    if len(text) > max_chars:
        raise InputError(
            f"{where}: has {len(text)} characters, over the limit of {max_chars} "
            "(EXTRACTOR_MAX_ARTICLE_CHARS)"
        )
    return text


def decode_article(data: bytes, *, max_chars: int, where: str = "article") -> str:
    """Decode bytes as UTF-8 (a BOM is dropped) and check the text."""
    if len(data) > max_chars * 4:
        raise InputError(f"{where}: {len(data)} bytes is over the size limit (EXTRACTOR_MAX_ARTICLE_CHARS)")
    if b"\x00" in data:
        raise InputError(f"{where}: contains NUL bytes; this looks like a binary file, not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: is not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first"
        ) from None
    return check_text(text, max_chars=max_chars, where=where)


def _front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    text = text.replace("\r\n", "\n") if text.startswith("---\r\n") else text
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    try:
        # BaseLoader keeps every value a string, so dates are checked (and reported) by parse_date
        meta = yaml.load(text[4:end], Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: invalid front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{where}: front matter must be a mapping")
    return meta, text[end + 5 :]


def _sidecar(path: Path) -> dict[str, Any]:
    side = path.with_suffix(".meta.json")
    if not side.is_file():
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{side}: invalid sidecar: {exc}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{side}: sidecar must be a JSON object")
    return meta


def load_article(path: Path, *, max_chars: int, published: dt.date | None = None) -> Article:
    """Read and check one article file with its metadata."""
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {exc.strerror or exc}") from None
    text = decode_article(data, max_chars=max_chars, where=where)
    meta, text = _front_matter(text, where)
    check_text(text, max_chars=max_chars, where=where)
    meta = {**_sidecar(path), **meta}
    return Article(
        text=text,
        article_id=str(meta.get("article_id") or path.stem),
        published=published or parse_date(meta.get("published"), where=f"{where}: published"),
        title=meta.get("title") or None,
        url=meta.get("url") or None,
    )


def make_article(
    text: str,
    published: dt.date | str | None = None,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> Article:
    """An ``Article`` from API arguments; the id defaults to a hash of the text."""
    if not isinstance(text, str):
        raise TypeError("text must be a str (decode bytes with extractor.inputs.decode_article)")
    return Article(
        text=text,
        article_id=article_id or "sha256-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        published=parse_date(published),
        title=title,
        url=url,
    )
