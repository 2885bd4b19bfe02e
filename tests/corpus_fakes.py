"""Small hand-made records for the corpus tests (fictional actors and places)."""

from __future__ import annotations

from collections.abc import Sequence

from evals.convert import GOLD_PROVENANCE
from extractor.derive import acled_categories
from schemas.events_v1 import DatePrecision, SubEventType
from schemas.events_v3 import ArticleResult, CasualtyClaim, Event, EventDate, Location, Span


def span(quote: str, start: int = 0) -> Span:
    return Span(quote=quote, start=start, end=start + len(quote), alignment="exact")


def event(  # noqa: PLR0917 - a test builder with defaults for every field
    event_type: SubEventType = "Air/drone strike",
    date: str | None = "2020-01-05",
    precision: DatePrecision | None = "day",
    countries: Sequence[str] = ("NGA",),
    place: str | None = None,
    actor1: str | None = None,
    actor2: str | None = None,
    killed: Sequence[tuple[int, str | None]] = (),
    evidence_at: int = 0,
) -> Event:
    acled, disorder = acled_categories(event_type)
    return Event(
        event_type=event_type,
        acled_event_type=acled,
        disorder_type=disorder,
        date=EventDate(value=date, precision=precision if date else None),
        locations=[
            Location(
                country_code=code,
                country_name=code,
                place=span(place) if place is not None and i == 0 else None,
            )
            for i, code in enumerate(countries)
        ],
        actor1=span(actor1) if actor1 else None,
        actor2=span(actor2) if actor2 else None,
        casualties=[
            CasualtyClaim(
                kind="killed",
                count=n,
                qualifier="exact",
                claimed_by=span(who) if who else None,
                quote=span(f"{n} people were killed", 100 + n),
            )
            for n, who in killed
        ],
        fatalities=min((n for n, _ in killed), default=None),
        evidence=[span("the evidence sentence", evidence_at)],
    )


def result(article_id: str, *events: Event, url: str | None = None) -> ArticleResult:
    return ArticleResult(article_id=article_id, url=url, events=list(events), provenance=GOLD_PROVENANCE)
