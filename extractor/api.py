"""The module-level API: one call, one session. For many calls, hold an ``Extractor``."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable

from schemas.events_v3 import ArticleResult

from .errors import ExtractorError
from .inputs import Article, not_an_article
from .pipeline import Extractor
from .settings import Settings

__all__ = ["aextract", "extract", "extract_many"]


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
    started for the call and stopped afterwards, if the prompt asks an LLM at all (the default
    prompt with the embedded model does not). Raises an ``ExtractorError`` subclass.
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
    articles: Iterable[object],
    *,
    concurrency: int = 4,
    prompt: str | None = None,
    settings: Settings | None = None,
) -> list[ArticleResult | ExtractorError]:
    """Extract from many articles (texts or ``Article``s) with at most ``concurrency`` in flight.

    Returns one item per input, in input order: an ``ArticleResult``, or the ``ExtractorError``
    that stopped that input; an item that is neither a str nor an ``Article`` is an
    ``InputError`` in its place. One failing input never stops the others; an exception that is
    not an ``ExtractorError`` (a programming error) propagates. No session (and no embedded
    model) is started when no item can be extracted.
    """
    if isinstance(articles, str | bytes):
        raise TypeError("articles must be an iterable of texts or Articles, not one str or bytes")
    items = list(articles)
    if not any(isinstance(item, str | Article) for item in items):
        return [not_an_article(item, index=i) for i, item in enumerate(items)]
    with Extractor(settings) as session:

        async def run() -> list[ArticleResult | ExtractorError]:
            try:
                return await session.aextract_many(items, concurrency=concurrency, prompt=prompt)
            finally:
                await session.aclose()

        return asyncio.run(run())
