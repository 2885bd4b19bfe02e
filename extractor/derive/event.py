"""Assemble a record from a grounded draft: everything code can derive instead of asking the LLM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from schemas.events_v1 import EventDraft
from schemas.events_v3 import CasualtyClaim, Event, EventDate, Location, Span

from .acled import acled_categories
from .casualties import fatalities
from .dates import resolve_date

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
) -> Event:
    """The ``Event`` record for ``draft``, from what of it was grounded.

    The date expression (the article's words) is resolved against ``published``; ACLED's event
    and disorder types come from the sub-event type; ``fatalities`` follows ACLED's rule over
    ``claims``. Only grounded values are used; nothing of the draft's strings is copied.
    """
    acled_type, disorder = acled_categories(draft.event_type)
    resolved = resolve_date(date_text.quote if date_text is not None else None, published)
    return Event(
        event_type=draft.event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=EventDate(text=date_text, value=resolved.value, precision=resolved.precision),
        locations=list(locations),
        actor1=actor1,
        actor2=actor2,
        casualties=list(claims),
        fatalities=fatalities(claims),
        evidence=list(evidence),
    )
