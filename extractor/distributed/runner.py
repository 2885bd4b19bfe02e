"""One process's share of a corpus run: a session that lives as long as the process, and partitions
run through it one at a time.

``PartitionRunner`` holds what is expensive to make and should be made once per process: the
``Extractor`` session (with the NLP pipeline loaded by ``warm()``), its own LLM client (its HTTP
transports gated by the run's LLM bound, see ``gate``), the response cache and, with no endpoint
configured and a prompt that asks an LLM, the embedded model server. Its asyncio loop runs in a
thread of its own for the life of the runner, so the client's connection pool is reused from one
partition to the next; ``run`` may be called from any thread (a Dask worker's task threads).

``run(partition, out_dir)`` extracts the partition's articles, at most ``concurrency`` at a time,
and writes its part file atomically. Every article ends as one line: its result, or its typed
error line (an unreadable or refused article, an LLM error, and - as ``InternalError``, logged
with its traceback - any unexpected exception), so one bad article never fails the partition.
A partition whose part file already exists (written by an earlier attempt that died before
reporting it) is not extracted again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import io
import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import httpx

from schemas.events_v3 import ArticleResult

from ..errors import ExtractorError
from ..llm import LLMClient, LocalModelServer, open_disk_cache
from ..output import JsonlOutput
from ..pipeline import Extractor
from ..prompts import load_prompt
from ..redact import library_logger
from ..settings import Settings
from ..strategies import strategy_for
from .gate import Gate, GatedAsyncTransport, GatedTransport
from .parts import count_lines, write_atomically
from .plan import Partition
from .sources import Entry, load_entry

__all__ = ["PartitionReport", "PartitionRunner"]

log = library_logger("extractor.distributed")


@dataclasses.dataclass(frozen=True)
class PartitionReport:
    """What one partition gave: result and error lines, and whether it was done by an earlier attempt."""

    name: str
    articles: int
    results: int
    errors: int
    seconds: float
    already_done: bool = False


Outcome = ArticleResult | ExtractorError | BaseException


class PartitionRunner:
    def __init__(
        self,
        settings: Settings,
        *,
        concurrency: int = 4,
        gate: Gate | None = None,
        published: dt.date | None = None,
    ) -> None:
        self.settings = settings
        self.concurrency = max(1, concurrency)
        self.published = published
        self._server: LocalModelServer | None = None
        self._cache: Any | None = None
        self._client: LLMClient | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="extractor-partitions", daemon=True
        )
        self._thread.start()
        try:
            self.session = Extractor(settings, client=self._gated_client(gate))
        except BaseException:
            self.close()
            raise

    def _gated_client(self, gate: Gate | None) -> LLMClient | None:
        """The session's own client when the prompt asks an LLM (its transports gated), else None."""
        if not Extractor(self.settings).asks_llm:
            return None
        base_url = self.settings.llm.base_url
        if base_url is None:
            log_dir = self.settings.cache.cache_dir / "logs"
            self._server = LocalModelServer(self.settings.llm.local_model_path, log_dir=log_dir).start()
            base_url = self._server.base_url
        if self.settings.cache.use_cache:
            self._cache = open_disk_cache(self.settings.cache.cache_dir)
        transport: httpx.BaseTransport = httpx.HTTPTransport()
        async_transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport()
        if gate is not None:
            transport = GatedTransport(transport, gate)
            async_transport = GatedAsyncTransport(async_transport, gate)
        self._client = LLMClient(
            self.settings,
            base_url=base_url,
            transport=transport,
            async_transport=async_transport,
            cache=self._cache,
        )
        return self._client

    def warm(self) -> None:
        """Load what the first article would otherwise load (the NLP pipeline of the candidates strategy)."""
        if strategy_for(load_prompt(self.settings.extraction.prompt)).name == "candidates":
            from ..strategies.candidates.nlp import load_pipeline  # noqa: PLC0415

            self._call(asyncio.to_thread(load_pipeline)).result()

    def _call(self, coroutine: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    # ------------------------------------------------------------------ one partition
    def run(self, partition: Partition, out_dir: Path) -> PartitionReport:
        started = time.perf_counter()
        path = out_dir / partition.name
        if path.exists():
            results, errors = count_lines(path)
            seconds = time.perf_counter() - started
            return PartitionReport(partition.name, len(partition.entries), results, errors, seconds, True)
        outcomes: list[Outcome] = self._call(self._extract(partition.entries)).result()
        buffer = io.StringIO()
        sink = JsonlOutput(buffer)
        for entry, outcome in zip(partition.entries, outcomes, strict=True):
            if isinstance(outcome, ArticleResult):
                sink.result(outcome)
            elif isinstance(outcome, ExtractorError):
                sink.error(outcome, source=entry.source, article_id=entry.article_id)
            else:
                buffer.write(_internal_error_line(entry, outcome) + "\n")
                sink.errors += 1
        write_atomically(path, buffer.getvalue().encode("utf-8"))
        seconds = time.perf_counter() - started
        return PartitionReport(partition.name, len(partition.entries), sink.results, sink.errors, seconds)

    async def _extract(self, entries: Sequence[Entry]) -> list[Outcome]:
        slots = asyncio.Semaphore(self.concurrency)

        async def one(entry: Entry) -> Outcome:
            try:
                article = load_entry(
                    entry, max_chars=self.settings.extraction.max_article_chars, published=self.published
                )
                async with slots:
                    return await self.session.aextract_article(article)
            except ExtractorError as exc:
                return exc
            except Exception as exc:
                log.exception("%s: unexpected error", entry.source)
                return exc

        return list(await asyncio.gather(*(one(entry) for entry in entries)))

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._loop.is_running():
            with contextlib.suppress(Exception):
                self._call(client.aclose()).result(timeout=30)
            client.close()
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
        if not self._loop.is_running():
            self._loop.close()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._cache is not None:
            with contextlib.suppress(OSError, sqlite3.Error):  # a broken cache was warned about
                self._cache.close()
            self._cache = None


def _internal_error_line(entry: Entry, error: BaseException) -> str:
    message = f"an unexpected error stopped this article ({type(error).__name__}); see the worker's log"
    body = {"type": "InternalError", "message": message}
    return json.dumps(
        {"article_id": entry.article_id, "source": entry.source, "error": body}, ensure_ascii=False
    )
