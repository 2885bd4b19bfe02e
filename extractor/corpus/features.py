"""The merge's similarity: which features of two article events agree, and how much that weighs.

Two mentions (article events) are compared on five features. Some disagreements **block** a link
whatever the rest says; otherwise the weighted agreements add up to a score in [0, 1] and the two
are linked when it reaches ``MERGE_THRESHOLD``.

Blocks: the same article (unless the two events are duplicates: same sub-event type, same date
value, a shared evidence span); different ACLED event types; a missing date on either side (an
undated event is never merged on nothing); dates that disagree (neither equal nor one period
inside the other, ``date_agrees``); both sides naming countries and none in common.

Weights (``WEIGHTS``, summing to 1):

* ``event_type`` 0.35: same sub-event type; a tenth of the total when only the ACLED event type agrees;
* ``date`` 0.25: equal values; 0.15 when one period contains the other (a day inside a week/month);
* ``countries`` 0.15: Jaccard overlap of ISO alpha-3 codes; half when either side names none;
* ``places`` 0.05: some place of one names the same place as some place of the other (``names_match``);
* ``actors`` 0.20: per role (actor1, actor2) full credit when the names match (``names_match``, the
  scorer's alias rules), half when one side's actor1 matches the other's actor2 (ACLED's actor
  order carries no direction); the mean over the roles either side names.

With the threshold at 0.7, the same sub-event type on the same day in the same country links
(0.75: ACLED's own unit is one event per day, place and actors); a date known only to the week or
month, or a missing country, needs a matching actor or place as well; a different sub-event type
needs nearly everything else.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

from extractor.derive import acled_categories, date_agrees, date_interval, names_match
from schemas.events_v3 import Event

__all__ = [
    "DATE_CONTAINMENT_SCORE",
    "MERGE_THRESHOLD",
    "SAME_EVENT_TYPE_SCORE",
    "WEIGHTS",
    "MentionView",
    "blocked",
    "similarity",
]

WEIGHTS: Final[dict[str, float]] = {
    "event_type": 0.35,
    "date": 0.25,
    "countries": 0.15,
    "places": 0.05,
    "actors": 0.20,
}
#: Score of the event-type feature when only the ACLED event type (not the sub-event type) agrees.
SAME_EVENT_TYPE_SCORE: Final = 0.10
#: Score of the date feature when one period contains the other.
DATE_CONTAINMENT_SCORE: Final = 0.15
#: Mentions are linked when their similarity reaches this.
MERGE_THRESHOLD: Final = 0.7


@dataclass(frozen=True)
class MentionView:
    """What the merge compares of one article event."""

    article_id: str
    event_index: int
    event: Event

    @property
    def key(self) -> tuple[str, int]:
        return self.article_id, self.event_index

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(loc.country_code for loc in self.event.locations if loc.country_code)

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(loc.place.quote for loc in self.event.locations if loc.place)

    def actor(self, role: int) -> str | None:
        span = self.event.actor1 if role == 1 else self.event.actor2
        return None if span is None else span.quote


def duplicates(a: MentionView, b: MentionView) -> bool:
    """Same sub-event type, same date value and at least one evidence span at the same offsets."""
    ea, eb = a.event, b.event
    spans = {(s.start, s.end) for s in ea.evidence}
    return (
        ea.event_type == eb.event_type
        and ea.date.value == eb.date.value
        and any((s.start, s.end) in spans for s in eb.evidence)
    )


def blocked(a: MentionView, b: MentionView) -> str | None:
    """Why ``a`` and ``b`` can never be one event (see the module doc), or None."""
    if a.article_id == b.article_id and not duplicates(a, b):
        return "same article"
    if acled_categories(a.event.event_type)[0] != acled_categories(b.event.event_type)[0]:
        return "different ACLED event types"
    va, vb = a.event.date.value, b.event.date.value
    if date_interval(va) is None or date_interval(vb) is None:
        return "undated"
    if not date_agrees(va, vb):
        return "dates disagree"
    ca, cb = a.countries, b.countries
    if ca and cb and not ca & cb:
        return "different countries"
    return None


def _actors(a: MentionView, b: MentionView) -> tuple[float, str | None]:
    credit = 0.0
    shown: list[str] = []
    roles = sum(1 for role in (1, 2) if a.actor(role) is not None or b.actor(role) is not None)
    for role in (1, 2):
        mine, same, other = a.actor(role), b.actor(role), b.actor(3 - role)
        if mine is None:
            continue
        if same is not None and names_match(mine, same):
            credit += 1.0
            shown.append(f"actor{role} {mine} ~ {same}")
        elif other is not None and names_match(mine, other):
            credit += 0.5
            shown.append(f"actor{role} {mine} ~ actor{3 - role} {other}")
    return (credit / roles if roles else 0.0), "; ".join(shown) or None


def similarity(a: MentionView, b: MentionView) -> tuple[float, dict[str, str]]:
    """The weighted agreement of two unblocked mentions, and what agreed (feature -> description)."""
    ea, eb = a.event, b.event
    features: dict[str, str] = {}
    score = 0.0
    if ea.event_type == eb.event_type:
        score += WEIGHTS["event_type"]
        features["event_type"] = f"same sub-event type: {ea.event_type}"
    else:
        score += SAME_EVENT_TYPE_SCORE
        features["event_type"] = f"same ACLED event type: {ea.acled_event_type}"
    va, vb = ea.date.value, eb.date.value
    if va == vb:
        score += WEIGHTS["date"]
        features["date"] = f"equal: {va}"
    else:
        score += DATE_CONTAINMENT_SCORE
        features["date"] = f"contained: {va} / {vb}"
    ca, cb = a.countries, b.countries
    if ca and cb:
        score += WEIGHTS["countries"] * len(ca & cb) / len(ca | cb)
        features["countries"] = f"shared: {', '.join(sorted(ca & cb))} of {', '.join(sorted(ca | cb))}"
    else:
        score += WEIGHTS["countries"] / 2
        features["countries"] = "unknown on one side"
    match = next(
        ((p, q) for p, q in itertools.product(a.places, b.places) if names_match(p, q)),
        None,
    )
    if match is not None:
        score += WEIGHTS["places"]
        features["places"] = f"{match[0]} ~ {match[1]}"
    forward, shown = _actors(a, b)
    backward, shown_back = _actors(b, a)
    if shown or shown_back:
        score += WEIGHTS["actors"] * (forward + backward) / 2
        features["actors"] = shown or shown_back or ""
    return round(score, 6), features
