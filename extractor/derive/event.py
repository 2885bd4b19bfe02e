"""Assemble a record from a grounded draft: everything code can derive instead of asking the LLM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from schemas.events_v1 import EventDraft
from schemas.events_v3 import (
    CasualtyClaim,
    DateBasis,
    DeathsReported,
    Detention,
    Event,
    EventDate,
    Location,
    Span,
)

from .acled import acled_categories
from .actors import acled_actor_codes
from .casualties import nobody_killed
from .dates import resolve_date
from .fatalities import fatalities

__all__ = ["derive_event"]


def derive_event(
    draft: EventDraft,
    *,
    evidence: Sequence[Span],
    claims: Sequence[CasualtyClaim],
    date_text: Span | None,
    locations: Sequence[Location],
    actor1: Span | None,
    actor2: Span | None,
    published: dt.date | None,
    detentions: Sequence[Detention] = (),
) -> Event:
    """The ``Event`` record for ``draft``, from what of it was grounded.

    The date expression (the article's words) is resolved against ``published``; ACLED's event
    and disorder types come from the sub-event type; ``fatalities`` follows ACLED's rule over
    ``claims`` per victim group (the head noun of each claim's victims); the actors'
    ACLED categories, inter and interaction codes and civilian targeting come from their words
    and the event type. A draft whose date basis is "publication" (code's candidates: no
    expression, a story that leads with the event) is dated on ``published``. Only grounded
    values are used; nothing of the draft's strings is copied.
    """
    acled_type, disorder = acled_categories(draft.event_type)
    basis: DateBasis | None = getattr(draft, "date_basis", None)
    resolved = resolve_date(date_text.quote if date_text is not None else None, published)
    if date_text is None and basis == "publication" and published is not None:
        resolved = resolve_date(published.isoformat(), published)
    killed = fatalities(claims)
    category1, category2, inter1, inter2, interaction, targeting = acled_actor_codes(
        actor1.quote if actor1 else None, actor2.quote if actor2 else None, draft.event_type
    )
    deaths: DeathsReported = "figures" if killed is not None else "not_stated"
    if killed is None and nobody_killed(span.quote for span in evidence):
        deaths = "none"
    return Event(
        event_type=draft.event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=EventDate(text=date_text, value=resolved.value, precision=resolved.precision),
        locations=list(locations),
        actor1=actor1,
        actor2=actor2,
        casualties=list(claims),
        fatalities=killed,
        evidence=list(evidence),
        deaths_reported=deaths,
        date_basis=basis if resolved.value is not None else None,
        actor1_category=category1,
        actor2_category=category2,
        inter1=inter1,
        inter2=inter2,
        interaction=interaction,
        civilian_targeting=targeting,
        detentions=list(detentions),
    )
