"""Article metadata (publication date, title, url, article id): the checks of each field, and
where it is read from a file: YAML front matter at the top of the text (``---`` ... ``---``,
removed from the text) or a sidecar file ``<name>.meta.json`` next to ``<name>.txt``.

Key by key, an empty value counts as absent and other keys are ignored. Every value is checked
when the file is loaded, naming the file and the field:

* ``published``: an ISO date, ``YYYY-MM-DD`` (a time after it is ignored);
* ``title``: a string of at most ``MAX_TITLE_CHARS`` characters;
* ``url``: a string of at most ``MAX_URL_CHARS`` characters;
* ``article_id``: a safe id, ``ARTICLE_ID_PATTERN``: letters, digits, ``.``, ``_``, ``-``, starting
  with a letter or digit, at most 128 characters (no path characters, no spaces).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .input_files import SIDECAR_SUFFIX, read_regular_file
from .input_text import check_encodable

__all__ = [
    "ARTICLE_ID_PATTERN",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "check_article_id",
    "check_metadata",
    "check_text_field",
    "front_matter",
    "parse_date",
    "sidecar_metadata",
]

MAX_TITLE_CHARS = 1_000
MAX_URL_CHARS = 2_048
ARTICLE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_ID_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters"
_SIDECAR_MAX_BYTES = 65_536


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


def check_text_field(value: object, field: str, limit: int, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: {field} must be a string, got {type(value).__name__} ({value!r:.60})")
    if len(value) > limit:
        raise InputError(f"{where}: {field} has {len(value)} characters, over the limit of {limit}")
    check_encodable(value, field=field, where=where)
    return value if value.strip() else None


def check_article_id(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: article_id must be a string, got {type(value).__name__} ({value!r:.60})")
    if not ARTICLE_ID_PATTERN.fullmatch(value):
        raise InputError(f"{where}: article_id {value!r:.60} is not a safe id ({_ID_RULE})")
    return value


def check_metadata(meta: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """The known metadata fields of ``meta``, checked; empty values are left out, other keys ignored."""
    checked: dict[str, Any] = {
        "published": parse_date(meta.get("published"), where=f"{where}: published"),
        "title": check_text_field(meta.get("title"), "title", MAX_TITLE_CHARS, where),
        "url": check_text_field(meta.get("url"), "url", MAX_URL_CHARS, where),
    }
    if meta.get("article_id") not in (None, ""):
        checked["article_id"] = check_article_id(meta["article_id"], where)
    return {key: value for key, value in checked.items() if value is not None}


def front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
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


def sidecar_metadata(path: Path) -> dict[str, Any]:
    side = path.with_suffix(SIDECAR_SUFFIX)
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
