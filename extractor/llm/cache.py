"""The on-disk response cache (diskcache), keyed on the whole rendered request and where it went.

The key (``request_key``, also the ``request_sha256`` recorded in provenance) holds the endpoint
URL without credentials, the endpoint kind, the prompt and strategy (hash, name, schema version),
the model and every request parameter: endpoint B is never answered from endpoint A's cache.
A cached entry holds a *validated* answer, its attempts, usage and the validation errors of the
attempts before it; an answer that still failed validation after all re-asks is not cached (a
retry asks again). The caller re-validates and re-grounds a cached answer, so a cache hit goes
through exactly the same code as a fresh answer.

A cache that cannot be opened, read or written (corrupt, unreadable, read-only) is reported in
one warning and the run continues without it; its errors never leave this module.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from schemas.events_v1 import Usage

from ..redact import library_logger
from .completion import Completion

__all__ = ["CACHE_VERSION", "ResponseCache", "open_disk_cache", "request_key"]

logger = library_logger("extractor.llm")

#: Bump when the cached entry's layout or meaning changes: old entries are then never read.
CACHE_VERSION = 2

#: What a broken store raises: sqlite errors (corrupt, read-only), file errors, bad pickles.
_STORE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError, pickle.UnpicklingError, EOFError)


def request_key(payload: Mapping[str, Any]) -> str:
    """sha256 of a request payload in canonical JSON (the cache key and provenance hash)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _warn_uncached(directory: object, error: BaseException) -> None:
    logger.warning(
        "the response cache in %s cannot be used (%s: %s); continuing without it "
        "(remove the folder, or pass --no-cache / set EXTRACTOR_NO_CACHE=1 to silence this)",
        directory,
        type(error).__name__,
        " ".join(str(error).split())[:200],
    )


def open_disk_cache(directory: Path) -> Any | None:
    """A ``diskcache.Cache`` in ``directory``; ``None`` (after one warning) when it cannot be used."""
    import diskcache  # noqa: PLC0415 - only when a cache is wanted

    try:
        return diskcache.Cache(str(directory))
    except _STORE_ERRORS as exc:
        _warn_uncached(directory, exc)
        return None


class ResponseCache:
    """Completions by request key, over any store with ``get(key)`` and ``set(key, value)``.

    The first error from the store disables the cache for the rest of the session, with one
    warning; lookups then miss and nothing is stored.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self.broken = False

    def _disable(self, error: BaseException) -> None:
        if not self.broken:
            self.broken = True
            _warn_uncached(getattr(self.store, "directory", "the store"), error)

    def get(self, key: str) -> Completion | None:
        if self.broken:
            return None
        try:
            stored = self.store.get(key)
        except _STORE_ERRORS as exc:
            self._disable(exc)
            return None
        if not isinstance(stored, dict):
            return None
        try:
            completion = self._completion(key, stored)
        except (KeyError, TypeError, ValueError) as exc:  # an entry of another layout: a miss
            self._disable(exc)
            return None
        logger.info("LLM cache hit %s", key[:12])
        return completion

    @staticmethod
    def _completion(key: str, stored: dict[str, Any]) -> Completion:
        return Completion(
            content=stored["content"],
            validated=None,
            attempts=stored["attempts"],
            requests=0,
            usage=Usage.model_validate(stored["usage"]),
            validation_errors=tuple(stored["validation_errors"]),
            duration_s=0.0,
            cache_hit=True,
            request_sha256=key,
        )

    def put(self, completion: Completion) -> None:
        """Store a completion whose last answer validated; anything else is never stored."""
        if self.broken or completion.validated is None:
            return
        entry = {
            "content": completion.content,
            "attempts": completion.attempts,
            "usage": completion.usage.model_dump(),
            "validation_errors": list(completion.validation_errors),
        }
        try:
            self.store.set(completion.request_sha256, entry)
        except _STORE_ERRORS as exc:
            self._disable(exc)
