"""The pipeline: article -> checks -> prompt -> LLM -> grounding -> derivation -> ``ArticleResult``.

``extract`` / ``aextract`` / ``extract_many`` are the public entry points; ``Extractor`` holds
one client (and, with no endpoint configured, the embedded local model server) across calls.

What the LLM returns is never trusted as grounded: every quote is located in the article by
code. An event none of whose evidence quotes can be found is dropped and listed in
``diagnostics.dropped``; a casualty claim whose quote cannot be found, or whose quote does not
contain its figure, is dropped and counted in ``diagnostics.claims_dropped``; a date expression
not found in the article is discarded (with a warning) rather than resolved.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any

from pydantic import ValidationError

from schemas.events_v1 import (
    SCHEMA_VERSION,
    ArticleResult,
    CasualtyClaim,
    Diagnostics,
    DroppedEvent,
    Event,
    EventDraft,
    ExtractionDraft,
    Provenance,
)

from .client import Completion, LLMClient
from .errors import ConfigurationError, ExtractorError, LLMOutputError, PromptError
from .grounding import (
    MIN_EVIDENCE_CHARS,
    GroundedDraft,
    count_in_quote,
    find_quote,
    fold,
    sentence_choice_model,
)
from .inputs import Article, check_text, parse_date
from .local_model import LocalModelServer
from .normalize import acled_categories, fatalities, normalize_location, resolve_date
from .prompts import PromptSpec, load_prompt
from .settings import Settings

__all__ = ["Extractor", "aextract", "build_events", "extract", "extract_many", "package_version"]

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


def package_version() -> str:
    try:
        return version("extractor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


def _article_id(text: str) -> str:
    return "sha256-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------ grounding + derivation


def _ground_event(
    draft: EventDraft, text: str, published: dt.date | None, diagnostics: Diagnostics
) -> Event | None:
    spans = []
    missing = []
    for quote in draft.evidence:
        span = find_quote(quote, text) if len(fold(quote)) >= MIN_EVIDENCE_CHARS else None
        if span is None:
            missing.append(quote)
        else:
            spans.append(span)
    if not spans:
        diagnostics.dropped.append(
            DroppedEvent(
                event_type=draft.event_type,
                quotes=list(draft.evidence),
                reason="evidence not found in the article: no quote matched after normalisation",
            )
        )
        return None
    if missing:
        diagnostics.warnings.append(
            f"{draft.event_type}: {len(missing)} evidence quote(s) not found in the article were removed"
        )
    claims = []
    for claim in draft.casualties:
        span = find_quote(claim.quote, text)
        if span is None or not count_in_quote(claim.count, claim.quote):
            diagnostics.claims_dropped += 1
            continue
        claims.append(
            CasualtyClaim(
                kind=claim.kind,
                count=claim.count,
                qualifier=claim.qualifier,
                claimed_by=claim.claimed_by,
                victims=claim.victims,
                quote=span,
            )
        )
    date_text = draft.date_text
    if date_text is not None and find_quote(date_text, text) is None:
        diagnostics.warnings.append(
            f"{draft.event_type}: date expression {date_text!r} is not in the article and was not used"
        )
        date_text = None
    acled_type, disorder = acled_categories(draft.event_type)
    return Event(
        event_type=draft.event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=resolve_date(date_text, published),
        locations=[normalize_location(loc.country, loc.place) for loc in draft.locations],
        actor1=draft.actor1,
        actor2=draft.actor2,
        casualties=claims,
        fatalities=fatalities(claims),
        evidence=spans,
    )


def _salvage(content: str, diagnostics: Diagnostics) -> list[EventDraft]:
    """Parse the last raw answer event by event, so one bad event does not sink the others."""
    try:
        raw = json.loads(_FENCE.sub("", content.strip()))
    except json.JSONDecodeError as exc:
        raise LLMOutputError(
            f"the LLM's last answer is not JSON ({exc.msg} at {exc.pos}); "
            "a larger model or a different prompt is needed"
        ) from None
    if isinstance(raw, dict) and isinstance(raw.get("events"), list):
        items = raw["events"]
    else:
        raise LLMOutputError("the LLM's last answer has no 'events' list")
    drafts = []
    for item in items:
        try:
            drafts.append(EventDraft.model_validate(item))
        except ValidationError as exc:
            event_type = item.get("event_type") if isinstance(item, dict) else None
            diagnostics.dropped.append(
                DroppedEvent(
                    event_type=str(event_type) if event_type is not None else None,
                    reason=f"invalid record: {exc.error_count()} validation error(s): "
                    f"{' '.join(str(exc).split())[:300]}",
                )
            )
    return drafts


def build_events(
    completion: Completion, text: str, published: dt.date | None
) -> tuple[list[Event], Diagnostics]:
    """Turn one completion into grounded, normalised events and the diagnostics of what was dropped."""
    diagnostics = Diagnostics(validation_errors=list(completion.validation_errors))
    if isinstance(completion.validated, ExtractionDraft):
        drafts = list(completion.validated.events)
    else:
        drafts = _salvage(completion.content, diagnostics)
    diagnostics.events_returned = len(drafts) + len(diagnostics.dropped)
    events = [e for d in drafts if (e := _ground_event(d, text, published, diagnostics)) is not None]
    diagnostics.events_kept = len(events)
    return events, diagnostics


# ------------------------------------------------------------------ the session object


class Extractor:
    """A reusable extraction session: one client, and the local model server when needed.

    >>> with Extractor(Settings.from_env()) as ex:          # doctest: +SKIP
    ...     result = ex.extract(text, published=date(2019, 12, 29))
    """

    def __init__(
        self, settings: Settings | None = None, *, client: LLMClient | None = None, cache: Any | None = None
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._client = client
        self._server: LocalModelServer | None = None
        self._cache = cache
        self._owns_client = client is None

    # -------------------------------------------------------------- lifecycle
    def start(self) -> Extractor:
        if self._client is not None:
            return self
        base_url = self.settings.base_url
        if base_url is None:
            self._server = LocalModelServer(self.settings.local_model_path).start()
            base_url = self._server.base_url
        cache = self._cache
        if cache is None and self.settings.use_cache:
            import diskcache  # noqa: PLC0415 - only when a cache is wanted

            cache = diskcache.Cache(str(self.settings.cache_dir))
            self._cache = cache
        self._client = LLMClient(self.settings, base_url=base_url, cache=cache)
        return self

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()
            self._client = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._cache is not None and hasattr(self._cache, "close"):
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
        if self._client is None:
            self.start()
        assert self._client is not None
        return self._client

    # -------------------------------------------------------------- pipeline
    def _prepare(self, article: Article, prompt: str | None) -> tuple[PromptSpec, list[dict[str, str]]]:
        check_text(article.text, max_chars=self.settings.max_article_chars, where=article.article_id)
        spec = load_prompt(prompt or self.settings.prompt)
        if spec.schema_version != SCHEMA_VERSION:
            raise PromptError(
                f"prompt {spec.name} targets schema {spec.schema_version}, "
                f"this library produces {SCHEMA_VERSION}"
            )
        rendered = spec.render(
            article=article.text,
            published=article.published.isoformat() if article.published else None,
            title=article.title,
            url=article.url,
            article_id=article.article_id,
        )
        return spec, list(rendered.messages)

    def _finish(
        self, article: Article, spec: PromptSpec, completion: Completion, started: float
    ) -> ArticleResult:
        events, diagnostics = build_events(completion, article.text, article.published)
        client = self.client
        return ArticleResult(
            article_id=article.article_id,
            published=article.published,
            title=article.title,
            url=article.url,
            events=events,
            diagnostics=diagnostics,
            provenance=Provenance(
                prompt_id=spec.id,
                prompt_version=spec.version,
                prompt_sha256=spec.sha256,
                request_sha256=completion.request_sha256,
                schema_version=SCHEMA_VERSION,
                model=client.model,
                endpoint_kind=client.kind,
                temperature=self.settings.temperature,
                attempts=completion.attempts,
                usage=completion.usage,
                duration_s=round(time.perf_counter() - started, 4),
                llm_duration_s=round(completion.duration_s, 4),
                cache_hit=completion.cache_hit,
                package_version=package_version(),
            ),
        )

    def _context(self, article: Article) -> dict[str, Any]:
        return {"article": article.text}

    def extract_article(self, article: Article, *, prompt: str | None = None) -> ArticleResult:
        started = time.perf_counter()
        spec, messages = self._prepare(article, prompt)
        completion = self.client.complete(
            messages,
            _response_model(spec, article),
            self._context(article),
            use_cache=self.settings.use_cache,
        )
        return self._finish(article, spec, completion, started)

    async def aextract_article(self, article: Article, *, prompt: str | None = None) -> ArticleResult:
        started = time.perf_counter()
        spec, messages = self._prepare(article, prompt)
        completion = await self.client.acomplete(
            messages,
            _response_model(spec, article),
            self._context(article),
            use_cache=self.settings.use_cache,
        )
        return self._finish(article, spec, completion, started)

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
        return self.extract_article(_make_article(text, published, article_id, title, url), prompt=prompt)

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
            _make_article(text, published, article_id, title, url), prompt=prompt
        )

    async def aextract_many(
        self,
        articles: Sequence[Article | str],
        *,
        concurrency: int = 4,
        prompt: str | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> list[ArticleResult | ExtractorError]:
        """One result or one ``ExtractorError`` per input, in input order; ``on_done()`` after each."""
        if concurrency < 1:
            raise ConfigurationError("concurrency must be at least 1")
        gate = asyncio.Semaphore(concurrency)

        async def one(item: Article | str) -> ArticleResult | ExtractorError:
            async with gate:
                try:
                    article = (
                        item if isinstance(item, Article) else _make_article(item, None, None, None, None)
                    )
                    return await self.aextract_article(article, prompt=prompt)
                except ExtractorError as exc:
                    return exc
                finally:
                    if on_done is not None:
                        on_done()

        return list(await asyncio.gather(*(one(a) for a in articles)))


def _response_model(spec: PromptSpec, article: Article) -> type[GroundedDraft]:
    """What the LLM is asked to fill: free quotes, or a choice among the article's sentences."""
    return sentence_choice_model(article.text) if spec.evidence_mode == "sentences" else GroundedDraft


def _make_article(
    text: str, published: dt.date | str | None, article_id: str | None, title: str | None, url: str | None
) -> Article:
    if not isinstance(text, str):
        raise TypeError("text must be a str (decode bytes with extractor.inputs.decode_article)")
    return Article(
        text=text,
        article_id=article_id or _article_id(text),
        published=parse_date(published),
        title=title,
        url=url,
    )


# ------------------------------------------------------------------ module-level API


def extract(
    text: str,
    *,
    published: dt.date | str | None = None,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    prompt: str | None = None,
    settings: Settings | None = None,
) -> ArticleResult:
    """Extract grounded event records from one article.

    With no endpoint configured (``EXTRACTOR_BASE_URL`` unset) the embedded local model is
    started for the call and stopped afterwards. Raises an ``ExtractorError`` subclass.
    """
    with Extractor(settings) as session:
        return session.extract(
            text, published=published, article_id=article_id, title=title, url=url, prompt=prompt
        )


async def aextract(
    text: str,
    *,
    published: dt.date | str | None = None,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    prompt: str | None = None,
    settings: Settings | None = None,
) -> ArticleResult:
    """The asyncio twin of ``extract``."""
    session = Extractor(settings)
    await asyncio.to_thread(session.start)
    try:
        return await session.aextract(
            text, published=published, article_id=article_id, title=title, url=url, prompt=prompt
        )
    finally:
        await session.aclose()
        await asyncio.to_thread(session.close)


def extract_many(
    articles: Iterable[Article | str],
    *,
    concurrency: int = 4,
    prompt: str | None = None,
    settings: Settings | None = None,
) -> list[ArticleResult | ExtractorError]:
    """Extract from many articles with at most ``concurrency`` in flight.

    Returns one item per input, in input order: an ``ArticleResult``, or the ``ExtractorError``
    that stopped that input. One failing input never stops the others.
    """
    items = list(articles)
    with Extractor(settings) as session:

        async def run() -> list[ArticleResult | ExtractorError]:
            try:
                return await session.aextract_many(items, concurrency=concurrency, prompt=prompt)
            finally:
                await session.aclose()

        return asyncio.run(run())
