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
from functools import cached_property
from typing import Final

from extractor.derive import acled_categories, date_interval, keys_match, name_key
from schemas.events_v3 import Event

__all__ = [
    "DATE_CONTAINMENT_SCORE",
    "MERGE_THRESHOLD",
    "SAME_EVENT_TYPE_SCORE",
    "WEIGHTS",
    "ClusterBlocks",
    "MentionView",
    "blocked",
    "explain",
    "nested",
    "score",
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
    """What the merge compares of one article event (derived forms computed once, on first use)."""

    article_id: str
    event_index: int
    event: Event

    @property
    def key(self) -> tuple[str, int]:
        return self.article_id, self.event_index

    @cached_property
    def countries(self) -> frozenset[str]:
        return frozenset(loc.country_code for loc in self.event.locations if loc.country_code)

    @cached_property
    def places(self) -> tuple[str, ...]:
        return tuple(loc.place.quote for loc in self.event.locations if loc.place)

    @cached_property
    def place_keys(self) -> tuple[str, ...]:
        return tuple(name_key(p) for p in self.places)

    @cached_property
    def acled_type(self) -> str:
        return acled_categories(self.event.event_type)[0]

    @cached_property
    def interval(self) -> tuple[int, int] | None:
        """The date's first and last day as ordinals; None when undated."""
        found = date_interval(self.event.date.value)
        return None if found is None else (found[0].toordinal(), found[1].toordinal())

    def actor(self, role: int) -> str | None:
        span = self.event.actor1 if role == 1 else self.event.actor2
        return None if span is None else span.quote

    @cached_property
    def _actor_keys(self) -> tuple[str | None, str | None]:
        one, two = self.actor(1), self.actor(2)
        return (None if one is None else name_key(one), None if two is None else name_key(two))

    def actor_key(self, role: int) -> str | None:
        return self._actor_keys[role - 1]

    @cached_property
    def signature(self) -> tuple[object, ...]:
        """Everything ``score`` and the blocks other than "same article" read of this mention:
        two mentions of one signature are blocked from, and score with, any third alike."""
        return (
            self.event.event_type,
            self.event.date.value,
            self.countries,
            self.place_keys,
            self._actor_keys,
        )


def nested(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether one of two day intervals contains the other (``date_agrees`` on intervals)."""
    return (a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])


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
    if a.acled_type != b.acled_type:
        return "different ACLED event types"
    ia, ib = a.interval, b.interval
    if ia is None or ib is None:
        return "undated"
    if not nested(ia, ib):
        return "dates disagree"
    ca, cb = a.countries, b.countries
    if ca and cb and not ca & cb:
        return "different countries"
    return None


class ClusterBlocks:
    """What ``blocked`` reads of a cluster's mentions, kept so that "does any pair across two
    clusters block?" (complete linkage) costs the distinct values, not the pairs of mentions."""

    def __init__(self, view: MentionView) -> None:
        self.types = {view.acled_type}
        self.intervals = {view.interval}
        self.countries = {view.countries} if view.countries else set()
        self.by_article: dict[str, list[MentionView]] = {view.article_id: [view]}

    def blocks(self, other: ClusterBlocks) -> bool:
        """Whether ``blocked`` holds for some mention of this cluster and some of ``other``."""
        if len(self.types | other.types) > 1:
            return True
        for x in self.intervals:
            for y in other.intervals:
                if x is None or y is None or not nested(x, y):
                    return True
        if any(not x & y for x in self.countries for y in other.countries):
            return True
        for article in self.by_article.keys() & other.by_article.keys():
            for p in self.by_article[article]:
                if any(not duplicates(p, q) for q in other.by_article[article]):
                    return True
        return False

    def absorb(self, other: ClusterBlocks) -> None:
        self.types |= other.types
        self.intervals |= other.intervals
        self.countries |= other.countries
        for article, views in other.by_article.items():
            self.by_article.setdefault(article, []).extend(views)


def _actor_credit(a: MentionView, b: MentionView) -> float:
    credit = 0.0
    for role in (1, 2):
        mine, same, other = a.actor_key(role), b.actor_key(role), b.actor_key(3 - role)
        if mine is None:
            continue
        if same is not None and keys_match(mine, same):
            credit += 1.0
        elif other is not None and keys_match(mine, other):
            credit += 0.5
    return credit


def _actors_shown(a: MentionView, b: MentionView) -> str | None:
    shown: list[str] = []
    for role in (1, 2):
        mine, same, other = a.actor_key(role), b.actor_key(role), b.actor_key(3 - role)
        if mine is None:
            continue
        if same is not None and keys_match(mine, same):
            shown.append(f"actor{role} {a.actor(role)} ~ {b.actor(role)}")
        elif other is not None and keys_match(mine, other):
            shown.append(f"actor{role} {a.actor(role)} ~ actor{3 - role} {b.actor(3 - role)}")
    return "; ".join(shown) or None


def _place_match(a: MentionView, b: MentionView) -> tuple[str, str] | None:
    for i, j in itertools.product(range(len(a.places)), range(len(b.places))):
        if keys_match(a.place_keys[i], b.place_keys[j]):
            return a.places[i], b.places[j]
    return None


def score(a: MentionView, b: MentionView) -> float:
    """The weighted agreement of two unblocked mentions (``similarity`` without the explanation).

    It depends only on ``MentionView.signature`` of each side, so callers may reuse it for
    mentions of equal signature.
    """
    ea, eb = a.event, b.event
    total = WEIGHTS["event_type"] if ea.event_type == eb.event_type else SAME_EVENT_TYPE_SCORE
    total += WEIGHTS["date"] if ea.date.value == eb.date.value else DATE_CONTAINMENT_SCORE
    ca, cb = a.countries, b.countries
    total += WEIGHTS["countries"] * len(ca & cb) / len(ca | cb) if ca and cb else WEIGHTS["countries"] / 2
    if _place_match(a, b) is not None:
        total += WEIGHTS["places"]
    roles = sum(1 for role in (1, 2) if a.actor_key(role) is not None or b.actor_key(role) is not None)
    if roles:
        forward, backward = _actor_credit(a, b), _actor_credit(b, a)
        if forward or backward:
            total += WEIGHTS["actors"] * (forward / roles + backward / roles) / 2
    return round(total, 6)


def explain(a: MentionView, b: MentionView) -> dict[str, str]:
    """What agreed between two unblocked mentions (feature -> description), for a link's record."""
    ea, eb = a.event, b.event
    features: dict[str, str] = {}
    if ea.event_type == eb.event_type:
        features["event_type"] = f"same sub-event type: {ea.event_type}"
    else:
        features["event_type"] = f"same ACLED event type: {ea.acled_event_type}"
    va, vb = ea.date.value, eb.date.value
    features["date"] = f"equal: {va}" if va == vb else f"contained: {va} / {vb}"
    ca, cb = a.countries, b.countries
    if ca and cb:
        features["countries"] = f"shared: {', '.join(sorted(ca & cb))} of {', '.join(sorted(ca | cb))}"
    else:
        features["countries"] = "unknown on one side"
    match = _place_match(a, b)
    if match is not None:
        features["places"] = f"{match[0]} ~ {match[1]}"
    shown = _actors_shown(a, b) or _actors_shown(b, a)
    if shown:
        features["actors"] = shown
    return features


def similarity(a: MentionView, b: MentionView) -> tuple[float, dict[str, str]]:
    """The weighted agreement of two unblocked mentions, and what agreed (feature -> description)."""
    return score(a, b), explain(a, b)
