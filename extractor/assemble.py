"""From one answer to records: drafts -> de-duplicated, capped -> grounded -> derived -> events.

``build_events`` is the same for every strategy and for every way an answer arrives (a live call,
the cache, a batch engine's output file). Identical drafts are merged before anything else, and at
most ``max_events`` drafts are grounded (the rest are counted in ``diagnostics.events_over_cap``);
after grounding, events that are the same record (type, date and evidence spans) are merged too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from schemas.events_v1 import EventDraft
from schemas.events_v3 import Diagnostics, Event

from .derive import derive_event, resolve_locations
from .grounding import ground_event, instruction_like_lines, record_problems
from .strategies import Plan, Strategy

__all__ = ["build_events"]

StateT = TypeVar("StateT")


def _draft_key(draft: EventDraft) -> str:
    return json.dumps(draft.model_dump(mode="json"), sort_keys=True)


def _event_key(event: Event) -> tuple[object, ...]:
    return (event.event_type, event.date.value, tuple((s.start, s.end) for s in event.evidence))


def _unique_drafts(drafts: Sequence[EventDraft], diagnostics: Diagnostics, cap: int) -> list[EventDraft]:
    seen: set[str] = set()
    unique: list[EventDraft] = []
    for draft in drafts:
        key = _draft_key(draft)
        if key in seen:
            diagnostics.duplicates_merged += 1
            continue
        seen.add(key)
        unique.append(draft)
    if len(unique) > cap:
        diagnostics.events_over_cap = len(unique) - cap
        diagnostics.warnings.append(
            f"the answer had {len(unique)} distinct events; only the first {cap} were used "
            "(EXTRACTOR_MAX_EVENTS)"
        )
    return unique[:cap]


def build_events(
    strategy: Strategy[Any, StateT],
    plan: Plan[StateT],
    *,
    validated: BaseModel | None,
    content: str,
    validation_errors: Sequence[str],
    text: str,
    published: dt.date | None,
    max_events: int,
    title: str | None = None,
) -> tuple[list[Event], Diagnostics]:
    """Drafts from one answer -> grounded, derived events, and the diagnostics of what was dropped."""
    diagnostics = Diagnostics(
        validation_errors=list(validation_errors), suspicious_input=instruction_like_lines(text)
    )
    drafts = strategy.drafts(plan, validated, content, diagnostics)
    diagnostics.events_returned = len(drafts) + len(diagnostics.dropped)
    events: list[Event] = []
    seen: set[tuple[object, ...]] = set()
    for draft in _unique_drafts(drafts, diagnostics, max_events):
        grounded = ground_event(draft, text)
        record_problems(grounded, diagnostics)
        if not grounded.kept:
            continue
        event = derive_event(
            draft,
            evidence=grounded.evidence,
            claims=grounded.claims,
            date_text=grounded.date_text,
            locations=grounded.locations,
            actor1=grounded.actor1,
            actor2=grounded.actor2,
            published=published,
            detentions=grounded.detentions,
        )
        if _event_key(event) in seen:
            diagnostics.duplicates_merged += 1
            continue
        seen.add(_event_key(event))
        events.append(event)
    diagnostics.events_kept = len(events)
    return resolve_locations(events, text, title), diagnostics
