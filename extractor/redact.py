"""Keep secrets out of what the library says: error messages, log lines and recorded URLs.

``redact(text)`` replaces anything that looks like a credential — ``sk-…`` keys, the value after
``Bearer``, the user info of a URL (``https://user:pass@host``) and every key the library was
configured with (``remember_secret``, called by the LLM client) — with ``[REDACTED]``.
``ExtractorError`` runs its message through it, and ``library_logger`` gives each ``extractor.*``
logger a ``RedactingFilter``, so a key echoed back by a server (a 401 body) reaches neither an
exception nor a log line. The CLI also puts the filter on its stderr handler, which covers the
third-party loggers (httpx, openai, instructor) shown under ``-vv``.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "RedactingFilter",
    "install_on_handlers",
    "library_logger",
    "redact",
    "redact_url",
    "remember_secret",
]

REDACTED = "[REDACTED]"

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

_secrets: set[str] = set()
_lock = threading.Lock()


def remember_secret(value: str | None) -> None:
    """Redact ``value`` (a configured key) wherever it appears from now on, in this process."""
    if value and len(value) >= _MIN_SECRET_LENGTH and value not in _PLACEHOLDERS:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with every credential-looking substring and every remembered secret replaced."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    return text


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
