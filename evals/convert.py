"""Turn a gold annotation into the predicted-record form, for self-scoring tests and sanity checks.

``gold_to_result(gold, text)`` builds the ``ArticleResult`` a perfect extractor would return:
quotes are located in the article for their offsets, and countries, ACLED categories and
fatalities are derived with ``extractor.derive`` exactly as the extractor does.
"""

from __future__ import annotations

from evals.gold import GoldArticle, GoldEvent
from extractor.derive import acled_categories, derive_location, fatalities
from extractor.grounding import find_quote
from schemas.events_v1 import ArticleResult, CasualtyClaim, Diagnostics, Event, EventDate, Provenance, Span

__all__ = ["GOLD_PROVENANCE", "gold_event_to_event", "gold_to_result", "locate"]

#: Dummy but valid provenance for results made from gold.
GOLD_PROVENANCE = Provenance(
    prompt_id="gold",
    prompt_version=0,
    prompt_sha256="0" * 64,
    request_sha256="0" * 64,
    model="gold",
    endpoint_kind="gold",
    temperature=0.0,
    attempts=0,
    duration_s=0.0,
    llm_duration_s=0.0,
    package_version="0",
)


def locate(quote: str, text: str) -> Span:
    """The exact span of the first occurrence of ``quote`` in ``text``; ValueError when absent."""
    span = find_quote(quote, text)
    if span is None or span.alignment != "exact":
        raise ValueError(f"quote not in article: {quote!r}")
    return span


def gold_event_to_event(event: GoldEvent, text: str) -> Event:
    """The predicted record equivalent to one gold event."""
    acled_type, disorder = acled_categories(event.event_type)
    claims = [
        CasualtyClaim(
            kind=c.kind,
            count=c.count,
            qualifier=c.qualifier,
            claimed_by=c.claimed_by,
            victims=c.victims,
            quote=locate(c.quote, text),
        )
        for c in event.casualties
    ]
    return Event(
        event_type=event.event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=EventDate(text=event.date.text, value=event.date.value, precision=event.date.precision),
        locations=[derive_location(loc.country, loc.place) for loc in event.locations],
        actor1=event.actor1,
        actor2=event.actor2,
        casualties=claims,
        fatalities=fatalities(claims),
        evidence=[locate(e.quote, text) for e in event.evidence],
    )


def gold_to_result(gold: GoldArticle, text: str) -> ArticleResult:
    """The ``ArticleResult`` a perfect extractor would return for ``gold``'s article."""
    events = [gold_event_to_event(e, text) for e in gold.events]
    return ArticleResult(
        article_id=gold.article_id,
        published=gold.published,
        title=gold.title,
        events=events,
        diagnostics=Diagnostics(events_returned=len(events), events_kept=len(events)),
        provenance=GOLD_PROVENANCE,
    )
