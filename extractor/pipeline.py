"""The pipeline, top to bottom, for one article::

    article text + metadata                       extractor.inputs      (checked before any LLM call)
      -> the prompt's strategy builds the request  extractor.strategies  (quotes | sentences | candidates)
      -> one structured LLM call                   extractor.llm         (transport retries, re-asks, cache)
      -> the strategy reads drafts from the answer extractor.strategies
      -> ground: every quote found in the article  extractor.grounding   (one rule set: re-ask = keep/drop)
      -> derive: date, ACLED types, fatalities     extractor.derive
      -> ArticleResult {events, diagnostics, provenance}

The two halves of one article's run are in ``extractor.article_run``. ``Extractor`` holds one
client (and, with no endpoint configured, the embedded local model server) across calls;
``extractor.api`` has the module-level ``extract`` / ``aextract`` / ``extract_many``.

What the LLM returns is never trusted: ungrounded events are dropped (``diagnostics.dropped``),
ungrounded claims counted (``claims_dropped``), unfound date expressions discarded with a warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from schemas.events_v3 import ArticleResult

from . import geo
from .article_run import Endpoint, article_result, cache_key_parts, plan_article
from .errors import ConfigurationError, ExtractorError
from .inputs import Article, as_article, make_article
from .llm import Completion, LLMClient, LocalModelServer, open_disk_cache
from .prompts import PromptSpec, load_prompt
from .redact import redact_url
from .settings import Settings
from .strategies import Plan, Strategy, strategy_for

__all__ = ["Endpoint", "Extractor", "article_result", "cache_key_parts", "plan_article"]


class Extractor:
    """A reusable extraction session: one client, and the local model server when needed.

    >>> with Extractor(Settings.from_env()) as ex:          # doctest: +SKIP
    ...     result = ex.extract(text, published=date(2019, 12, 29))
    """

    def __init__(
        self, settings: Settings | None = None, *, client: LLMClient | None = None, cache: Any | None = None
    ) -> None:
        self.settings = settings or Settings.from_env()
        geo.use_cache_dir(self.settings.cache.cache_dir)  # where the gazetteer index is cached
        self._client = client
        self._server: LocalModelServer | None = None
        self._cache = cache
        self._owns_client = client is None
        self._connecting = threading.Lock()

    # -------------------------------------------------------------- lifecycle
    @property
    def asks_llm(self) -> bool:
        """Whether the default prompt, with these settings, calls an LLM at all."""
        spec = load_prompt(self.settings.extraction.prompt)
        strategy = strategy_for(spec)
        return strategy.asks_llm(spec, strategy.options(self.settings))

    def start(self) -> Extractor:
        """Connect; the embedded model is started now only if the default prompt asks an LLM."""
        if self._client is None and (self.settings.llm.base_url is not None or self.asks_llm):
            self._connect()
        return self

    def _connect(self) -> LLMClient:
        """The client, connected once (a lock: concurrent first calls start one server, not two)."""
        with self._connecting:
            if self._client is None:
                base_url = self.settings.llm.base_url
                if base_url is None:
                    log_dir = self.settings.cache.cache_dir / "logs"
                    self._server = LocalModelServer(
                        self.settings.llm.local_model_path, log_dir=log_dir
                    ).start()
                    base_url = self._server.base_url
                if self._cache is None and self.settings.cache.use_cache:
                    self._cache = open_disk_cache(self.settings.cache.cache_dir)
                self._client = LLMClient(self.settings, base_url=base_url, cache=self._cache)
            return self._client

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()
            self._client = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._cache is not None and hasattr(self._cache, "close"):
            with contextlib.suppress(OSError, sqlite3.Error):  # a broken cache was warned about
                self._cache.close()

    async def aclose(self) -> None:
        """Close the asyncio HTTP client (call before the event loop that used it ends)."""
        if self._client is not None and self._owns_client:
            await self._client.aclose()

    def __enter__(self) -> Extractor:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def client(self) -> LLMClient:
        return self._client if self._client is not None else self._connect()

    # -------------------------------------------------------------- pipeline
    def _prepare(
        self, article: Article, prompt: str | None
    ) -> tuple[PromptSpec, Strategy[Any, Any], Plan[Any]]:
        return plan_article(self.settings, article, prompt)

    def _finish(
        self, article: Article, spec: PromptSpec, strategy: Strategy[Any, Any], plan: Plan[Any], *,
        completion: Completion | None, started: float,
    ) -> ArticleResult:  # fmt: skip
        """The result; ``completion`` is ``None`` when the plan called no LLM."""
        client = None if completion is None else self.client
        endpoint = (
            None if client is None else Endpoint(client.model, client.kind, redact_url(client.base_url))
        )
        return article_result(
            self.settings,
            article,
            spec,
            strategy,
            plan,
            completion=completion,
            endpoint=endpoint,
            duration_s=time.perf_counter() - started,
        )

    def extract_article(self, article: Article, *, prompt: str | None = None) -> ArticleResult:
        """Extract from one checked ``Article`` (see ``extractor.inputs``)."""
        started = time.perf_counter()
        spec, strategy, plan = self._prepare(article, prompt)
        completion = None
        if plan.request is not None:
            completion = self.client.complete(
                plan.request.messages,
                plan.request.response_model,
                dict(plan.request.context),
                use_cache=self.settings.cache.use_cache,
                key_parts=cache_key_parts(self.settings, spec, strategy),
            )
        return self._finish(article, spec, strategy, plan, completion=completion, started=started)

    async def aextract_article(self, article: Article, *, prompt: str | None = None) -> ArticleResult:
        """The asyncio twin of ``extract_article``."""
        started = time.perf_counter()
        spec, strategy, plan = self._prepare(article, prompt)
        completion = None
        if plan.request is not None:  # a model started on first use is started off the event loop
            client = self._client if self._client is not None else await asyncio.to_thread(self._connect)
            completion = await client.acomplete(
                plan.request.messages,
                plan.request.response_model,
                dict(plan.request.context),
                use_cache=self.settings.cache.use_cache,
                key_parts=cache_key_parts(self.settings, spec, strategy),
            )
        return self._finish(article, spec, strategy, plan, completion=completion, started=started)

    def extract(
        self,
        text: str,
        *,
        published: dt.date | str | None = None,
        article_id: str | None = None,
        title: str | None = None,
        url: str | None = None,
        prompt: str | None = None,
    ) -> ArticleResult:
        return self.extract_article(make_article(text, published, article_id, title, url), prompt=prompt)

    async def aextract(
        self,
        text: str,
        *,
        published: dt.date | str | None = None,
        article_id: str | None = None,
        title: str | None = None,
        url: str | None = None,
        prompt: str | None = None,
    ) -> ArticleResult:
        return await self.aextract_article(
            make_article(text, published, article_id, title, url), prompt=prompt
        )

    async def aextract_many(
        self,
        articles: Sequence[object],
        *,
        concurrency: int = 4,
        prompt: str | None = None,
        on_done: Callable[[int, ArticleResult | ExtractorError], None] | None = None,
    ) -> list[ArticleResult | ExtractorError]:
        """One result or one ``ExtractorError`` per input, in input order (an item neither a str nor
        an ``Article`` is an ``InputError`` naming its index). ``on_done(index, outcome)`` is called
        as each item finishes. Any other exception (a programming error, a failing ``on_done``,
        cancellation) cancels the items still running and propagates."""
        if isinstance(articles, str | bytes):
            raise TypeError("articles must be a sequence of texts or Articles, not one str or bytes")
        if concurrency < 1:
            raise ConfigurationError("concurrency must be at least 1")
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int, item: object) -> ArticleResult | ExtractorError:
            outcome: ArticleResult | ExtractorError
            try:
                article = as_article(item, index=index)
                async with gate:
                    outcome = await self.aextract_article(article, prompt=prompt)
            except ExtractorError as exc:
                outcome = exc
            if on_done is not None:
                on_done(index, outcome)
            return outcome

        tasks = [asyncio.ensure_future(one(i, item)) for i, item in enumerate(articles)]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
