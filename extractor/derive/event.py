"""Assemble a record from a grounded draft: everything code can derive instead of asking the LLM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from schemas.events_v1 import CasualtyClaim, Event, EventDraft, Span

from .acled import acled_categories
from .casualties import fatalities
from .countries import derive_location
from .dates import resolve_date

__all__ = ["derive_event"]


def derive_event(
    draft: EventDraft,
    *,
    evidence: Sequence[Span],
    claims: Sequence[CasualtyClaim],
    date_text: str | None,
    published: dt.date | None,
) -> Event:
    """The ``Event`` record for ``draft``, given what of it was grounded.

    ``date_text`` is resolved against ``published``; ACLED's event and disorder types come from
    the sub-event type; countries are recognised; ``fatalities`` follows ACLED's rule over
    ``claims``. Only grounded ``evidence`` and ``claims`` are used.
    """
    acled_type, disorder = acled_categories(draft.event_type)
    return Event(
        event_type=draft.event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=resolve_date(date_text, published),
        locations=[derive_location(loc.country, loc.place) for loc in draft.locations],
        actor1=draft.actor1,
        actor2=draft.actor2,
        casualties=list(claims),
        fatalities=fatalities(claims),
        evidence=list(evidence),
    )
