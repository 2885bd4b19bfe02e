"""The on-disk response cache (diskcache), keyed on the whole rendered request.

``request_key`` is also the ``request_sha256`` recorded in provenance. A cached entry holds the
last raw answer, its attempts, usage and validation errors; the caller re-validates and
re-grounds it, so a cache hit goes through exactly the same code as a fresh answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from schemas.events_v1 import Usage

from ..redact import library_logger
from .completion import Completion

__all__ = ["CACHE_VERSION", "ResponseCache", "open_disk_cache", "request_key"]

logger = library_logger("extractor.llm")

#: Bump when the cached entry's layout or meaning changes: old entries are then never read.
CACHE_VERSION = 1


def request_key(payload: Mapping[str, Any]) -> str:
    """sha256 of a request payload in canonical JSON (the cache key and provenance hash)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def open_disk_cache(directory: Path) -> Any:
    """A ``diskcache.Cache`` in ``directory`` (imported only when a cache is wanted)."""
    import diskcache  # noqa: PLC0415 - only when a cache is wanted

    return diskcache.Cache(str(directory))


class ResponseCache:
    """Completions by request key, over any store with ``get(key)`` and ``set(key, value)``."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def get(self, key: str) -> Completion | None:
        stored = self.store.get(key)
        if not isinstance(stored, dict):
            return None
        logger.info("LLM cache hit %s", key[:12])
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
        self.store.set(
            completion.request_sha256,
            {
                "content": completion.content,
                "attempts": completion.attempts,
                "usage": completion.usage.model_dump(),
                "validation_errors": list(completion.validation_errors),
            },
        )
