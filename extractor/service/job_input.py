"""A job's body read into its articles: a JSON array of texts or objects, or NDJSON.

A body that cannot be read at all (not UTF-8 NDJSON, not JSON, not an array, too many articles)
is a problem (422, 413). An article that breaks a rule (a line that is not JSON, an object of the
wrong shape, metadata the library refuses) is kept in its place as its typed error line, naming the
line or item and the field, and the others run.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from extractor import Article, InputError

from .models import ArticleIn
from .problems import ProblemError
from .rows import NewArticle

__all__ = ["read_articles"]

_NDJSON = ("application/x-ndjson", "application/jsonl", "application/ndjson")


class _NotJSON:
    """An NDJSON line that is not JSON, with the parser's reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _parse_items(raw: bytes, content_type: str) -> list[tuple[str, Any]]:
    """Each article of the body with where it was: ``line N`` of NDJSON, ``item N`` of a JSON array."""
    if content_type.split(";", maxsplit=1)[0].strip().lower() in _NDJSON:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProblemError(422, "malformed-body", f"the body is not UTF-8: {exc}", pointer="") from None
        items: list[tuple[str, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append((f"line {number}", json.loads(line)))
                except (ValueError, RecursionError) as exc:
                    items.append((f"line {number}", _NotJSON(_parse_error(exc))))
        return items
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ProblemError(
            422, "malformed-body", f"the body is not JSON or NDJSON: {_parse_error(exc)}", pointer=""
        ) from None
    if not isinstance(parsed, list):
        raise ProblemError(422, "malformed-body", "the body must be a JSON array of articles", pointer="")
    return [(f"item {index}", item) for index, item in enumerate(parsed)]


def _parse_error(exc: ValueError | RecursionError) -> str:
    """Why a body or line is not JSON. The parser's own bounds keep a hostile body a 422, never a
    500: nesting past the interpreter's recursion limit (about 1,000 levels) and integers of more
    than 4,300 digits (``sys.get_int_max_str_digits``) are refused; the size is bounded before
    (``BodyLimit``)."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    return str(exc).split("\n", maxsplit=1)[0]


def _in_words(exc: ValidationError) -> str:
    """Pydantic's errors as 'field 'published': Input should be ...' phrases."""
    return "; ".join(
        f"field {'.'.join(str(p) for p in e['loc'])!r}: {e['msg']}" if e["loc"] else e["msg"]
        for e in exc.errors()
    )


def _safe_id(item: object) -> str | None:
    """The item's article_id when it is one the library accepts (for its error line), else None."""
    candidate = item.get("article_id") if isinstance(item, dict) else None
    if not isinstance(candidate, str) or not _encodable(candidate):
        return None
    try:
        Article(text="-", article_id=candidate)
    except InputError:
        return None
    return candidate


def _encodable(text: str) -> bool:
    """Whether ``text`` can be stored and sent as UTF-8 (no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _article(where: str, item: Any) -> NewArticle:
    """One article of a job; one that breaks a rule carries its error (its line in the results)."""
    if isinstance(item, _NotJSON):
        return NewArticle("", error=f"{where}: not JSON ({item.reason})")
    if not isinstance(item, str | dict):
        got = "null" if item is None else type(item).__name__
        return NewArticle("", error=f"{where}: expected a text or an object with a text, got {got}")
    try:
        a = ArticleIn(text=item) if isinstance(item, str) else ArticleIn.model_validate(item)
    except ValidationError as exc:
        return NewArticle("", article_id=_safe_id(item), error=f"{where}: {_in_words(exc)}")
    try:  # the library's metadata rules (id, title, url), before anything is stored
        Article(
            text=a.text, article_id=a.article_id or "unnamed", published=a.published, title=a.title, url=a.url
        )
    except InputError as exc:
        return NewArticle(a.text, article_id=_safe_id(item), error=f"{where}: {exc}")
    return NewArticle(a.text, a.article_id, a.published, a.title, a.url)


def read_articles(raw: bytes, content_type: str, limit: int) -> list[NewArticle]:
    """The job's articles. A body that cannot be read is a 422; an article that breaks a rule is
    kept, in its place, as its typed error line (``InputError`` naming the line or item and the
    field), and the others run."""
    items = _parse_items(raw, content_type)
    if len(items) > limit:
        raise ProblemError(413, "too-many-articles", f"{len(items)} articles; at most {limit} per job")
    return [_article(where, item) for where, item in items]
