"""The merge's similarity: which features of two article events agree, and how much that weighs.

Two mentions (article events, ``mentions.MentionView``) are compared on five features. Some
disagreements **block** a link whatever the rest says; otherwise the weighted agreements add up
to a score in [0, 1] and the two are linked when it reaches ``MERGE_THRESHOLD``.

Blocks: the same article (unless the two events are duplicates: same sub-event type, same date
value, a shared evidence span); different type families (``mentions.TYPE_FAMILIES``: armed
violence, demonstrations, strategic developments); a missing date on either side (an undated event
is never merged on nothing); dates whose periods do not overlap; both sides naming countries and
none in common.

Weights (``WEIGHTS``, summing to 1):

* ``event_type`` 0.35: same sub-event type; 0.10 when only the ACLED event type agrees; 0.05 when
  only the type family does;
* ``date`` 0.25: equal values; 0.15 when one period contains the other (a day inside a week/month);
  0.10 when the periods only overlap (a week across the end of a month);
* ``countries`` 0.15: Jaccard overlap of ISO alpha-3 codes; half when either side names none;
* ``places`` 0.05: when both places are resolved to GeoNames, full within ``PLACE_NEAR_KM`` of each
  other (coordinates of a town or district), half in the same first-level unit (province, state)
  of one country, none otherwise, whatever their words; when either is unresolved, full when
  their names match (``names_match``); the best pair of places counts;
* ``actors`` 0.20: the overlap of the two sides' actors: per role (actor1, actor2) full credit
  when the names match (``names_match``, the scorer's alias rules), half when one side's actor1
  matches the other's actor2 (ACLED's actor order carries no direction); the mean over the roles
  either side names.

With the threshold at 0.7, the same sub-event type on the same day in the same country links
(0.75: ACLED's own unit is one event per day, place and actors); a date known only to the week or
month, or a missing country, needs a matching actor or place as well; a different sub-event type
needs nearly everything else, and a different ACLED event type of the same family everything
(equal date, same countries, a place and both actors). ``max_without_shared_key`` states what a
pair can reach without a shared name, place or exact (type, date, country): the index
(``blocking``) relies on it being below the threshold.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Final

from extractor.derive import keys_match

from .mentions import MentionView, PlaceView, distance_km

__all__ = [
    "DATE_CONTAINMENT_SCORE",
    "DATE_OVERLAP_SCORE",
    "MERGE_THRESHOLD",
    "PLACE_NEAR_KM",
    "SAME_EVENT_TYPE_SCORE",
    "SAME_FAMILY_SCORE",
    "WEIGHTS",
    "MentionView",
    "blocked",
    "blocked_apart",
    "duplicates",
    "explain",
    "max_without_shared_key",
    "overlaps",
    "place_credit",
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
#: Score of the event-type feature when only the type family agrees.
SAME_FAMILY_SCORE: Final = 0.05
#: Score of the date feature when one period contains the other.
DATE_CONTAINMENT_SCORE: Final = 0.15
#: Score of the date feature when the periods overlap without one containing the other.
DATE_OVERLAP_SCORE: Final = 0.10
#: Two resolved places at most this far apart are the same place.
PLACE_NEAR_KM: Final = 25.0
#: Mentions are linked when their similarity reaches this.
MERGE_THRESHOLD: Final = 0.7

ActorKeys = tuple[str | None, str | None]
_SAME_TYPE, _SAME_DATE = WEIGHTS["event_type"], WEIGHTS["date"]


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two day intervals share a day."""
    return a[0] <= b[1] and b[0] <= a[1]


def _nested(a: tuple[int, int], b: tuple[int, int]) -> bool:
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
    return blocked_apart(a, b)


def blocked_apart(a: MentionView, b: MentionView) -> str | None:
    """``blocked`` but for the same-article rule: what reads only ``MentionView.signature``."""
    if a.family != b.family:
        return "different type families"
    ia, ib = a.interval, b.interval
    if ia is None or ib is None:
        return "undated"
    if not overlaps(ia, ib):
        return "dates disagree"
    ca, cb = a.countries, b.countries
    if ca and cb and not ca & cb:
        return "different countries"
    return None


def place_credit(p: PlaceView, q: PlaceView) -> float:
    """1 the same place, 0.5 the same first-level unit, 0 otherwise (see the module doc)."""
    if p.resolved and q.resolved:
        if p.point is not None and q.point is not None and distance_km(p.point, q.point) <= PLACE_NEAR_KM:
            return 1.0
        return 0.5 if p.admin is not None and p.admin == q.admin else 0.0
    return 1.0 if keys_match(p.key, q.key) else 0.0


def _best_place(a: MentionView, b: MentionView) -> tuple[float, PlaceView, PlaceView] | None:
    best: tuple[float, PlaceView, PlaceView] | None = None
    for p, q in itertools.product(a.place_views, b.place_views):
        credit = place_credit(p, q)
        if credit and (best is None or credit > best[0]):
            best = (credit, p, q)
            if credit == 1.0:
                break
    return best


def _type_score(a: MentionView, b: MentionView) -> float:
    if a.event.event_type == b.event.event_type:
        return WEIGHTS["event_type"]
    return SAME_EVENT_TYPE_SCORE if a.acled_type == b.acled_type else SAME_FAMILY_SCORE


def _date_score(a: MentionView, b: MentionView) -> float:
    if a.event.date.value == b.event.date.value:
        return WEIGHTS["date"]
    ia, ib = a.interval, b.interval
    return DATE_CONTAINMENT_SCORE if ia and ib and _nested(ia, ib) else DATE_OVERLAP_SCORE


def _actor_credit(a: ActorKeys, b: ActorKeys) -> float:
    credit = 0.0
    for role in (0, 1):
        mine, same, other = a[role], b[role], b[1 - role]
        if mine is None:
            continue
        if same is not None and keys_match(mine, same):
            credit += 1.0
        elif other is not None and keys_match(mine, other):
            credit += 0.5
    return credit


@lru_cache(maxsize=1 << 16)
def _actor_score(a: ActorKeys, b: ActorKeys) -> float:
    """The actors' part of ``score`` for two mentions' actor keys (0.0 when none agrees); kept for
    the pairs of names seen last, which a large corpus meets again and again."""
    roles = sum(1 for mine, theirs in zip(a, b, strict=True) if mine is not None or theirs is not None)
    if roles:
        forward, backward = _actor_credit(a, b), _actor_credit(b, a)
        if forward or backward:
            return WEIGHTS["actors"] * (forward / roles + backward / roles) / 2
    return 0.0


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


def score(a: MentionView, b: MentionView) -> float:
    """The weighted agreement of two unblocked mentions (``similarity`` without the explanation).

    It depends only on ``MentionView.signature`` of each side, so callers may reuse it for
    mentions of equal signature.
    """
    ea, eb = a.event, b.event  # _type_score and _date_score, inlined: this runs for every pair compared
    if ea.event_type == eb.event_type:
        total = _SAME_TYPE
    else:
        total = SAME_EVENT_TYPE_SCORE if a.acled_type == b.acled_type else SAME_FAMILY_SCORE
    if ea.date.value == eb.date.value:
        total += _SAME_DATE
    else:
        ia, ib = a.interval, b.interval
        total += DATE_CONTAINMENT_SCORE if ia and ib and _nested(ia, ib) else DATE_OVERLAP_SCORE
    ca, cb = a.countries, b.countries
    total += WEIGHTS["countries"] * len(ca & cb) / len(ca | cb) if ca and cb else WEIGHTS["countries"] / 2
    place = _best_place(a, b)
    if place is not None:
        total += WEIGHTS["places"] * place[0]
    actors = _actor_score(a.actor_keys, b.actor_keys)
    if actors:
        total += actors
    return round(total, 6)


def explain(a: MentionView, b: MentionView) -> dict[str, str]:
    """What agreed between two unblocked mentions (feature -> description), for a link's record."""
    ea, eb = a.event, b.event
    features: dict[str, str] = {}
    if ea.event_type == eb.event_type:
        features["event_type"] = f"same sub-event type: {ea.event_type}"
    elif a.acled_type == b.acled_type:
        features["event_type"] = f"same ACLED event type: {ea.acled_event_type}"
    else:
        features["event_type"] = f"same type family: {a.family} ({ea.event_type} / {eb.event_type})"
    va, vb = ea.date.value, eb.date.value
    if va == vb:
        features["date"] = f"equal: {va}"
    else:
        contained = _date_score(a, b) == DATE_CONTAINMENT_SCORE
        features["date"] = f"{'contained' if contained else 'overlapping'}: {va} / {vb}"
    ca, cb = a.countries, b.countries
    if ca and cb:
        features["countries"] = f"shared: {', '.join(sorted(ca & cb))} of {', '.join(sorted(ca | cb))}"
    else:
        features["countries"] = "unknown on one side"
    place = _best_place(a, b)
    if place is not None:
        credit, p, q = place
        if not (p.resolved and q.resolved):
            features["places"] = f"{p.name} ~ {q.name}"
        elif credit == 1.0 and p.point and q.point:
            features["places"] = f"{p.name} ~ {q.name} ({distance_km(p.point, q.point):.0f} km apart)"
        else:
            features["places"] = f"{p.name} ~ {q.name} (same admin1: {q.admin[1] if q.admin else ''})"
    shown = _actors_shown(a, b) or _actors_shown(b, a)
    if shown:
        features["actors"] = shown
    return features


def similarity(a: MentionView, b: MentionView) -> tuple[float, dict[str, str]]:
    """The weighted agreement of two unblocked mentions, and what agreed (feature -> description)."""
    return score(a, b), explain(a, b)


def max_without_shared_key() -> float:
    """The highest score a pair can reach with no name match, no place match (by name, distance or
    first-level unit) and not the same sub-event type, the same date value and a shared country.

    Such a pair gets no actor credit and no place credit; its best is then either the same
    sub-event type on the same date with a country unknown on one side, or the same sub-event type
    with one period inside the other and the same countries, or another sub-event type on the same
    date with the same countries. ``blocking`` finds only pairs that share such a key, so this must
    stay below ``MERGE_THRESHOLD`` (tested).
    """
    same_type, same_date, all_countries = WEIGHTS["event_type"], WEIGHTS["date"], WEIGHTS["countries"]
    return max(
        same_type + same_date + all_countries / 2,
        same_type + DATE_CONTAINMENT_SCORE + all_countries,
        SAME_EVENT_TYPE_SCORE + same_date + all_countries,
    )
