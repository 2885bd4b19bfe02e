"""Article inputs: checks (file type, size, encoding, binary, empty) and metadata, before any LLM call.

Files. Only regular files are read: the type is checked with ``stat`` before the file is opened,
so a FIFO is never opened (nothing hangs), and a device or directory is never read. The size
comes from ``stat`` and the read is bounded (never more than the limit + 1 bytes). The byte limit
is ``4 x max_chars + 4`` (the widest encoding plus its byte-order mark).

Encodings. UTF-8, with or without a byte-order mark; UTF-16 and UTF-32 (little- or big-endian)
when they start with their byte-order mark. Anything else is refused; so is text that contains
NUL characters once decoded (a binary file). Text, title and url given as ``str`` (the library's
entry points, a sidecar's JSON) are refused when they hold a lone surrogate (``check_encodable``):
Python lets such a string exist, but no UTF-8 output can hold it.

Metadata (publication date, title, url, article id) comes from, in order of precedence: explicit
arguments, YAML front matter at the top of the file (``---`` ... ``---``, removed from the text),
or a sidecar file ``<name>.meta.json`` next to ``<name>.txt``; key by key, an empty value counts
as absent and other keys are ignored. Every value is checked when the file is loaded, naming the
file and the field:

* ``published``: an ISO date, ``YYYY-MM-DD`` (a time after it is ignored);
* ``title``: a string of at most ``MAX_TITLE_CHARS`` characters;
* ``url``: a string of at most ``MAX_URL_CHARS`` characters;
* ``article_id``: a safe id, ``ARTICLE_ID_PATTERN``: letters, digits, ``.``, ``_``, ``-``, starting
  with a letter or digit, at most 128 characters (no path characters, no spaces).

Without an ``article_id`` the id is the file name without its extension, with every run of other
characters replaced by ``-`` (``Kidal attack (1).txt`` -> ``Kidal-attack-1``), or, if nothing
usable is left, ``sha256-`` and 16 hex digits of the text (as for text given to the Python API).
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import ExtractorError, InputError
from .input_files import over_size_limit, read_regular_file
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

MAX_TITLE_CHARS = 1_000
MAX_URL_CHARS = 2_048
ARTICLE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_ID_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters"
_SIDECAR_MAX_BYTES = 65_536
# UTF-32-LE's mark starts with UTF-16-LE's: the longer marks are tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32-LE"),
    (codecs.BOM_UTF32_BE, "UTF-32-BE"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "UTF-16-BE"),
)


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
        where = f"article {_id_field(self.article_id, 'article')}"
        check_encodable(self.text, field="text", where=where)
        _text_field(self.title, "title", MAX_TITLE_CHARS, where)
        _text_field(self.url, "url", MAX_URL_CHARS, where)
        if self.published is not None and not isinstance(self.published, dt.date):
            raise InputError(f"{where}: published must be a date, got {type(self.published).__name__}")


def parse_date(value: object, *, where: str = "published") -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) from a string/date, or ``None``; anything else is an InputError.

    The error message starts with ``where`` (left out when it is empty) and the value.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    reason = ""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) > 10 and text[10] in "T ":
            return dt.datetime.fromisoformat(text).date()
    except ValueError as exc:
        # the shape is right but there is no such day (2024-02-30): say why
        reason = f": {exc}" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]) else ""
    prefix = f"{where}: " if where else ""
    raise InputError(f"{prefix}{value!r} is not an ISO date (YYYY-MM-DD){reason}")


def check_encodable(value: str, *, field: str, where: str) -> str:
    """Refuse text holding a lone surrogate (U+D800–U+DFFF alone), which no UTF-8 output can hold.

    Python lets such a ``str`` exist (a broken ``\\ud800`` JSON escape, bytes decoded with
    ``errors="surrogateescape"``); writing it anywhere later would fail, far from its cause.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{where}: {field} contains U+{ord(value[exc.start]):04X} at character {exc.start}, a lone "
            "surrogate that is not Unicode text and cannot be encoded as UTF-8 (a broken \\u escape, "
            "or bytes decoded with errors='surrogateescape'); decode the source correctly first"
        ) from None
    return value


def _text_field(value: object, field: str, limit: int, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: {field} must be a string, got {type(value).__name__} ({value!r:.60})")
    if len(value) > limit:
        raise InputError(f"{where}: {field} has {len(value)} characters, over the limit of {limit}")
    check_encodable(value, field=field, where=where)
    return value if value.strip() else None


def _id_field(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: article_id must be a string, got {type(value).__name__} ({value!r:.60})")
    if not ARTICLE_ID_PATTERN.fullmatch(value):
        raise InputError(f"{where}: article_id {value!r:.60} is not a safe id ({_ID_RULE})")
    return value


def check_metadata(meta: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """The known metadata fields of ``meta``, checked; empty values are left out, other keys ignored."""
    checked: dict[str, Any] = {
        "published": parse_date(meta.get("published"), where=f"{where}: published"),
        "title": _text_field(meta.get("title"), "title", MAX_TITLE_CHARS, where),
        "url": _text_field(meta.get("url"), "url", MAX_URL_CHARS, where),
    }
    if meta.get("article_id") not in (None, ""):
        checked["article_id"] = _id_field(meta["article_id"], where)
    return {key: value for key, value in checked.items() if value is not None}


def check_text(text: str, *, max_chars: int, where: str = "article") -> str:
    """Refuse text that cannot be an article; return it unchanged otherwise."""
    check_encodable(text, field="text", where=where)
    if "\x00" in text:
        raise InputError(f"{where}: contains NUL characters; this looks like a binary file, not an article")
    if not text.strip():
        raise InputError(f"{where}: is empty or only whitespace")
    if len(text) > max_chars:
        raise InputError(
            f"{where}: has {len(text)} characters, over the limit of {max_chars} "
            "(EXTRACTOR_MAX_ARTICLE_CHARS)"
        )
    return text


def max_article_bytes(max_chars: int) -> int:
    """The most bytes ``max_chars`` characters can take: 4 per character plus a byte-order mark."""
    return 4 * max_chars + 4


def _size_hint(max_chars: int) -> str:
    return f" (4 per character of EXTRACTOR_MAX_ARTICLE_CHARS={max_chars}, plus a byte-order mark)"


def decode_article(data: bytes, *, max_chars: int, where: str = "article") -> str:
    """Decode UTF-8 (BOM optional) or BOM-marked UTF-16/UTF-32, and check the text."""
    limit = max_article_bytes(max_chars)
    if len(data) > limit:
        raise InputError(over_size_limit(where, len(data), limit) + _size_hint(max_chars))
    bom, encoding = next(((bom, name) for bom, name in _BOMS if data.startswith(bom)), (b"", "UTF-8"))
    if not bom and b"\x00" in data:
        raise InputError(
            f"{where}: contains NUL bytes; this looks like a binary file (or UTF-16/UTF-32 without "
            "a byte-order mark), not an article"
        )
    try:
        text = data[len(bom) :].decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: is not valid {encoding} (byte {exc.start + len(bom)}); accepted are UTF-8, and "
            "UTF-16 or UTF-32 with a byte-order mark: convert it to UTF-8 first"
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
        # BaseLoader keeps every scalar a string, so dates are checked (and reported) by parse_date
        meta = yaml.load(text[4:end], Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: invalid front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{where}: front matter must be a mapping")
    return check_metadata(meta, where=f"{where}: front matter"), text[end + 5 :]


def _sidecar(path: Path) -> dict[str, Any]:
    side = path.with_suffix(".meta.json")
    if not os.path.lexists(side):
        return {}
    data = read_regular_file(side, limit=_SIDECAR_MAX_BYTES, where=str(side))
    try:
        meta = json.loads(data)
    except ValueError as exc:
        raise InputError(f"{side}: invalid sidecar: {exc}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{side}: sidecar must be a JSON object")
    return check_metadata(meta, where=str(side))


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
    data = read_regular_file(path, limit=limit, where=where, hint=_size_hint(max_chars))
    text = decode_article(data, max_chars=max_chars, where=where)
    front, text = _front_matter(text, where)
    check_text(text, max_chars=max_chars, where=where)
    meta = {**_sidecar(path), **front}
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
