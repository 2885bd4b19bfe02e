"""The on-disk response cache (diskcache), keyed on the whole rendered request and where it went.

The key (``request_key``, also the ``request_sha256`` recorded in provenance) holds the endpoint
URL without credentials, the endpoint kind, the prompt and strategy (hash, name, schema version),
the model and every request parameter: endpoint B is never answered from endpoint A's cache.
A cached entry holds a *validated* answer, its attempts, usage and the validation errors of the
attempts before it; an answer that still failed validation after all re-asks is not cached (a
retry asks again). The caller re-validates and re-grounds a cached answer, so a cache hit goes
through exactly the same code as a fresh answer.

**Data, not code.** diskcache pickles values by default, and unpickling runs code: anyone who can
write the cache folder would run code as the user at the next lookup. The cache is therefore
opened with ``DataDisk``, diskcache's ``JSONDisk`` (JSON, zlib-compressed) that refuses to read
anything stored any other way (a pickled row is never unpickled), never inflates an entry past
``MAX_ENTRY_BYTES``, and parses JSON with bounds (``jsonbounds``). Each entry carries the
format version (``CACHE_VERSION``) and the key it answers, and is validated as a ``CachedAnswer``
when read.

**Never in the way.** An entry that cannot be read (damaged, of another format, of another key,
planted) is a miss, with one warning naming it; the answer is asked again and stored over it. A
store that cannot be opened, read or written at all (a corrupt or read-only database, a folder
that is a file) is reported in one warning and the run continues without it. No error of the
cache ever leaves this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import diskcache
from diskcache.core import MODE_BINARY, MODE_RAW
from pydantic import BaseModel, ConfigDict, Field

from schemas.events_v1 import Usage

from ..jsonbounds import loads_untrusted
from ..redact import clipped, library_logger
from .completion import Completion

__all__ = [
    "CACHE_VERSION",
    "MAX_ENTRY_BYTES",
    "CachedAnswer",
    "DataDisk",
    "ResponseCache",
    "open_disk_cache",
    "request_key",
]

logger = library_logger("extractor.llm")

#: Bump when the cached entry's layout or meaning changes: old entries are then never read.
#: 3: JSON entries (``DataDisk``) validated as ``CachedAnswer``; 2 and before were pickled.
CACHE_VERSION: Final = 3
#: The most bytes one entry may inflate to; an answer is bounded far below this (``bounded.py``).
MAX_ENTRY_BYTES = 16 * 1024 * 1024

#: What a broken store raises: the database or its files cannot be used at all.
_STORE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)


class UnreadableEntryError(ValueError):
    """A cache entry that is not a JSON document written by ``DataDisk``."""


class DataDisk(diskcache.JSONDisk):  # type: ignore[misc]
    """diskcache's ``JSONDisk`` that reads back only what it writes: JSON bytes, never a pickle."""

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnreadableEntryError("a pickled key")
        return super().get(key, raw)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if read or mode not in (MODE_RAW, MODE_BINARY):
            raise UnreadableEntryError(f"stored in diskcache mode {mode}, not as JSON bytes")
        if mode == MODE_BINARY and filename is not None:
            size = os.path.getsize(os.path.join(self._directory, filename))
            if size > MAX_ENTRY_BYTES:
                raise UnreadableEntryError(f"a value file of {size} bytes")
        data = diskcache.Disk.fetch(self, mode, filename, value, read)
        if not isinstance(data, bytes):
            raise UnreadableEntryError(f"a {type(data).__name__} value, not bytes")
        inflater = zlib.decompressobj()
        text = inflater.decompress(data, MAX_ENTRY_BYTES)
        if inflater.unconsumed_tail:
            raise UnreadableEntryError(f"inflates to more than {MAX_ENTRY_BYTES} bytes")
        return loads_untrusted(text)


class CachedAnswer(BaseModel):
    """One cache entry: a validated answer to the request whose key it names."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    format: Literal[3] = Field(description="CACHE_VERSION when it was written.")
    key: str = Field(description="The request key (request_sha256) this entry answers.")
    content: str = Field(description="The answer as the endpoint returned it.")
    attempts: int = Field(ge=1, le=1000)
    usage: Usage
    validation_errors: list[str] = Field(max_length=1000)


def request_key(payload: Mapping[str, Any]) -> str:
    """sha256 of a request payload in canonical JSON (the cache key and provenance hash)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {clipped(error, 200)}"


def _warn_uncached(directory: object, error: BaseException) -> None:
    logger.warning(
        "the response cache in %s cannot be used (%s); continuing without it "
        "(remove the folder, or pass --no-cache / set EXTRACTOR_NO_CACHE=1 to silence this)",
        directory,
        _short(error),
    )


def open_disk_cache(directory: Path) -> Any | None:
    """A ``diskcache.Cache`` of JSON entries in ``directory``; ``None`` (after one warning) when unusable."""
    try:
        return diskcache.Cache(str(directory), disk=DataDisk)
    except Exception as exc:  # any damage to the folder or its settings: no cache, never a crash
        _warn_uncached(directory, exc)
        return None


class ResponseCache:
    """Completions by request key, over any store with ``get(key)`` and ``set(key, value)``.

    The store is meant to be ``open_disk_cache``'s (JSON entries). The first error of the store
    itself disables the cache for the rest of the session, with one warning; an entry that
    cannot be read is a miss, with one warning for it.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self.broken = False
        self._unreadable: set[str] = set()

    def _disable(self, error: BaseException) -> None:
        if not self.broken:
            self.broken = True
            _warn_uncached(getattr(self.store, "directory", "the store"), error)

    def _skip(self, key: str, error: BaseException) -> None:
        if key not in self._unreadable:
            self._unreadable.add(key)
            logger.warning(
                "the response cache entry %s cannot be read (%s); asking the endpoint again",
                key[:12],
                _short(error),
            )

    def get(self, key: str) -> Completion | None:
        """The cached completion for ``key``; ``None`` when there is none or it cannot be read."""
        if self.broken:
            return None
        try:
            stored = self.store.get(key)
        except _STORE_ERRORS as exc:
            self._disable(exc)
            return None
        except Exception as exc:  # an entry damaged or planted: a miss, whatever it raised
            self._skip(key, exc)
            return None
        if stored is None:
            return None
        try:
            entry = CachedAnswer.model_validate(stored)
            if entry.key != key:
                raise UnreadableEntryError(f"it answers another request ({entry.key[:12]})")
        except ValueError as exc:
            self._skip(key, exc)
            return None
        logger.info("LLM cache hit %s", key[:12])
        return Completion(
            content=entry.content,
            validated=None,
            attempts=entry.attempts,
            requests=0,
            usage=entry.usage,
            validation_errors=tuple(entry.validation_errors),
            duration_s=0.0,
            cache_hit=True,
            request_sha256=key,
        )

    def put(self, completion: Completion) -> None:
        """Store a completion whose last answer validated; anything else is never stored."""
        if self.broken or completion.validated is None:
            return
        entry = CachedAnswer(
            format=CACHE_VERSION,
            key=completion.request_sha256,
            content=completion.content,
            attempts=completion.attempts,
            usage=completion.usage,
            validation_errors=list(completion.validation_errors),
        )
        try:
            self.store.set(completion.request_sha256, entry.model_dump(mode="json"))
        except Exception as exc:  # whatever the store raises, the run goes on without it
            self._disable(exc)
