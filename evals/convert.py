"""Turn a gold annotation into the predicted-record form, for self-scoring tests and sanity checks.

``gold_to_result(gold, text)`` builds the ``ArticleResult`` a perfect extractor would return:
quotes are located in the article for their offsets, and countries, ACLED categories and
fatalities follow gold's own victim groups (``GoldEvent.fatalities``, the extractor's rule).
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.gold import GoldArticle, GoldEvent
from extractor.derive import acled_categories, resolve_country
from extractor.grounding import find_quote
from extractor.grounding import locate as locate_name
from schemas.events_v3 import (
    ArticleResult,
    CasualtyClaim,
    Diagnostics,
    Event,
    EventDate,
    Location,
    Provenance,
    Span,
)

__all__ = ["GOLD_PROVENANCE", "gold_event_to_event", "gold_to_result", "locate"]

#: Dummy but valid provenance for results made from gold.
GOLD_PROVENANCE = Provenance(
    prompt_id="gold",
    prompt_version=0,
    prompt_sha256="0" * 64,
    request_sha256="0" * 64,
    strategy="gold",
    model="gold",
    endpoint_kind="gold",
    temperature=0.0,
    attempts=0,
    duration_s=0.0,
    llm_duration_s=0.0,
    package_version="0",
    adjudicated=False,
)


def locate(quote: str, text: str) -> Span:
    """The exact span of the first occurrence of ``quote`` in ``text``; ValueError when absent."""
    span = find_quote(quote, text)
    if span is None or span.alignment != "exact":
        raise ValueError(f"quote not in article: {quote!r}")
    return span


def _name(value: str | None, text: str, near: int, aliases: Sequence[str] = ()) -> Span | None:
    """A gold name (or else its first alias found) as a span of the article, nearest the evidence.

    ValueError when neither the name nor an alias is in the article.
    """
    if value is None:
        return None
    for candidate in (value, *aliases):
        span = locate_name(candidate, text, near=near)
        if span is not None:
            return span
    raise ValueError(f"gold name not in article: {value!r}")


def _location(country: str, place: str | None, text: str, near: int) -> Location:
    name, code = resolve_country(country)
    return Location(
        country=locate_name(country, text, near=near) if code else None,
        country_name=name,
        country_code=code,
        place=_name(place, text, near),
    )


def gold_event_to_event(event: GoldEvent, text: str) -> Event:
    """The predicted record equivalent to one gold event."""
    acled_type, disorder = acled_categories(event.event_type)
    evidence = [locate(e.quote, text) for e in event.evidence]
    near = evidence[0].start
    claims = []
    for c in event.casualties:
        quote = locate(c.quote, text)
        claims.append(
            CasualtyClaim(
                kind=c.kind,
                count=c.count,
                qualifier=c.qualifier,
                claimed_by=_name(c.claimed_by, text, quote.start),
                victims=_name(c.victims, text, quote.start),
                quote=quote,
            )
        )
    date_text = _name(event.date.text, text, near)
    return Event(
        event_type=event.event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=EventDate(text=date_text, value=event.date.value, precision=event.date.precision),
        locations=[_location(loc.country, loc.place, text, near) for loc in event.locations],
        actor1=_name(event.actor1, text, near, event.actor1_aliases),
        actor2=_name(event.actor2, text, near, event.actor2_aliases),
        casualties=claims,
        fatalities=event.fatalities,
        deaths_reported="figures" if event.fatalities is not None else "not_stated",
        evidence=evidence,
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
