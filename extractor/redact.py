"""Keep secrets out of what the library says: error messages, log lines and recorded URLs.

``redact(text)`` replaces anything that looks like a credential — ``sk-…`` keys, the value after
``Bearer``, the user info of a URL (``https://user:pass@host``) and every key the library was
configured with (``remember_secret``, called by the LLM client) — with ``[REDACTED]``. A configured
key is found in every form a server or a library may echo it in (``escaped_forms``): as is, JSON
escaped (backslashes, quotes, ``\\uXXXX``), as Python's ``repr``, URL encoded, HTML escaped, and
each of these escaped once more.
``ExtractorError`` runs its message through it, and ``library_logger`` gives each ``extractor.*``
logger a ``RedactingFilter``, so a key echoed back by a server (a 401 body) reaches neither an
exception nor a log line. The CLI also puts the filter on its stderr handler, which covers the
third-party loggers (httpx, openai, instructor) shown under ``-vv``.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

from pydantic import BaseModel

__all__ = [
    "REDACTED",
    "RedactingFilter",
    "clipped",
    "escaped_forms",
    "install_on_handlers",
    "library_logger",
    "redact",
    "redact_url",
    "redacted",
    "remember_secret",
]

REDACTED = "[REDACTED]"
_Model = TypeVar("_Model", bound=BaseModel)

_PATTERNS = (
    # OpenAI-style keys: sk-..., sk-proj-..., and the like
    re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}"),
    # an Authorization header value, however it is quoted
    re.compile(r"(?i)(\bbearer\s+)(?!\[REDACTED\])[^\s'\",;}\]]+"),
    # user info in a URL: scheme://user:password@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://)[^/\s@'\"]+@"),
    # api_key=... / "api-key": "..." style assignments
    re.compile(r"(?i)(\bapi[_-]?key[\"']?\s*[:=]\s*[\"']?)(?!\[REDACTED\])[^\s'\",;&}\]]+"),
)
#: Secrets shorter than this are not searched for (a placeholder like "x" would redact every x).
_MIN_SECRET_LENGTH = 6
_PLACEHOLDERS = frozenset({"not-needed"})


class _Known:
    """The remembered secrets, and one pattern matching every escaped form of them."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.pattern: re.Pattern[str] | None = None


_known = _Known()
_lock = threading.Lock()

#: How text that echoes a secret may have escaped it: JSON (with and without ``\uXXXX``), Python's
#: ``repr`` (either quote) and backslash escapes, URL encoding (``%XX``, ``+``) and HTML.
_ESCAPES: tuple[Callable[[str], str], ...] = (
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: repr(s)[1:-1],
    lambda s: s.replace("\\", "\\\\").replace("'", "\\'"),
    lambda s: s.replace("\\", "\\\\").replace('"', '\\"'),
    lambda s: s.encode("unicode_escape").decode("ascii"),
    lambda s: quote(s, safe=""),
    quote,
    lambda s: quote_plus(s, safe=""),
    html.escape,
)


def escaped_forms(secret: str) -> set[str]:
    """``secret`` as it may appear in text that echoes it: as is, and escaped once or twice over
    (``_ESCAPES``: a JSON string inside a JSON body, the ``repr`` of a parsed body...)."""
    forms = {secret}
    for _ in range(2):
        forms |= {escape(form) for form in forms for escape in _ESCAPES}
    return forms


def remember_secret(value: str | None) -> None:
    """Redact ``value`` (a configured key) wherever it appears from now on, in this process, in
    any of its ``escaped_forms``."""
    if value and len(value) >= _MIN_SECRET_LENGTH and value not in _PLACEHOLDERS:
        with _lock:
            if value not in _known.secrets:
                _known.secrets.add(value)
                forms = {form for secret in _known.secrets for form in escaped_forms(secret)}
                ordered = sorted(forms, key=lambda form: (-len(form), form))  # the longest form first
                _known.pattern = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every credential-looking substring and every remembered secret replaced."""
    known = _known.pattern
    if known is not None:
        text = known.sub(REDACTED, text)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    return text


def redacted(model: _Model) -> _Model:
    """``model`` with every string in it redacted (a copy only when something was)."""
    said = model.model_dump_json()
    cleaned = redact(said)
    return model if cleaned == said else type(model).model_validate_json(cleaned)


def clipped(text: object, limit: int) -> str:
    """``text`` redacted, on one line, then cut to ``limit`` characters: redacting after the cut
    could leave part of a secret that no longer matches."""
    return " ".join(redact(str(text)).split())[:limit]


def redact_url(url: str) -> str:
    """``url`` without user info or query string (which can hold credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class RedactingFilter(logging.Filter):
    """Rewrite each record's message and formatted traceback through ``redact``; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string is logging's own problem to report
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactingFilter()


def library_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with the redacting filter attached (once)."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


def install_on_handlers(handlers: list[logging.Handler]) -> None:
    """Put the redacting filter on ``handlers`` (the CLI's stderr handler): third-party lines too."""
    for handler in handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
