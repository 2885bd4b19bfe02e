"""Event and claim matching: the similarity of a predicted and a gold record, and one-to-one assignment.

Slots (the scored attributes of a record) are read here too, so similarity and slot credit use
the same values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment

from evals.gold import GoldCasualty, GoldEvent
from extractor.derive import acled_categories
from extractor.grounding import fold
from schemas.events_v3 import CasualtyClaim, Event, Location, Span

from .dates import date_agrees
from .names import country_key, names_match

__all__ = [
    "DATE_CONTAINMENT_PARTIAL",
    "EVENT_TYPE_PARTIAL",
    "MATCH_THRESHOLD",
    "SIMILARITY_WEIGHTS",
    "SLOTS",
    "TIEBREAK_WEIGHT",
    "Slot",
    "match_claims",
    "match_events",
    "similarity",
    "slot_values",
]


Slot = Literal["event_type", "date", "date_precision", "countries", "place", "actor1", "actor2", "fatalities"]

#: Slot-level fields, in report order.
SLOTS: tuple[Slot, ...] = (
    "event_type",
    "date",
    "date_precision",
    "countries",
    "place",
    "actor1",
    "actor2",
    "fatalities",
)

#: Weights of the similarity components; they sum to 1.
SIMILARITY_WEIGHTS: Mapping[str, float] = {
    "event_type": 0.35,
    "date": 0.25,
    "countries": 0.20,
    "actor1": 0.10,
    "actor2": 0.10,
}

#: Share of the event-type weight given when only the ACLED event type (not the sub-event type) agrees.
EVENT_TYPE_PARTIAL = 0.5

#: Share of the date weight given when the dates agree only by containment (not equal values).
DATE_CONTAINMENT_PARTIAL = 0.75

#: Pairs below this similarity are not matches.
MATCH_THRESHOLD = 0.5

#: Weight of the tie-breaker (place, fatalities, shared evidence) in the assignment only: small enough
#: to decide only between (near-)equal similarities; never part of the reported similarity.
TIEBREAK_WEIGHT = 1e-4


def _date_score(pred: str | None, gold: str | None) -> float:
    if pred is not None and pred == gold:
        return 1.0
    return DATE_CONTAINMENT_PARTIAL if date_agrees(pred, gold) else 0.0


def span_text(span: Span | None) -> str | None:
    """A predicted span's words, or None."""
    return None if span is None else span.quote


def _pred_country_key(loc: Location) -> str | None:
    """``country_key`` of the country as written; the record's code or ISO name when that is empty."""
    return loc.country_code or country_key(span_text(loc.country)) or country_key(loc.country_name)


def _pred_countries(event: Event) -> frozenset[str]:
    return frozenset(k for k in (_pred_country_key(loc) for loc in event.locations) if k)


def _gold_countries(event: GoldEvent) -> frozenset[str]:
    return frozenset(k for k in (country_key(loc.country) for loc in event.locations) if k)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _places_agree(pred: Sequence[str], gold: Sequence[str]) -> bool:
    """Every gold place matches some predicted place and every predicted place some gold place."""
    return all(any(names_match(p, g) for p in pred) for g in gold) and all(
        any(names_match(p, g) for g in gold) for p in pred
    )


def _show(values: Iterable[str]) -> str | None:
    joined = "; ".join(values)
    return joined or None


def slot_values(
    slot: Slot, pred: Event | None, gold: GoldEvent | None
) -> tuple[str | None, str | None, bool]:
    """(gold value, predicted value, agree) of one slot; values are display strings, None when empty.

    ``agree`` means both present and equal under the slot's credit rule; see ``score_article``.
    """
    g: str | None = None
    p: str | None = None
    agree = False
    if slot == "event_type":
        g = gold.event_type if gold else None
        p = pred.event_type if pred else None
        agree = g is not None and g == p
    elif slot == "date":
        g = gold.date.value if gold else None
        p = pred.date.value if pred else None
        agree = date_agrees(p, g)
    elif slot == "date_precision":
        g = gold.date.precision if gold else None
        p = pred.date.precision if pred else None
        agree = g is not None and g == p
    elif slot == "countries":
        gc = _gold_countries(gold) if gold else frozenset()
        pc = _pred_countries(pred) if pred else frozenset()
        g, p = _show(sorted(gc)), _show(sorted(pc))
        agree = bool(gc) and gc == pc
    elif slot == "place":
        gp = [loc.place for loc in gold.locations if loc.place] if gold else []
        pp = [loc.place.quote for loc in pred.locations if loc.place] if pred else []
        g, p = _show(gp), _show(pp)
        agree = bool(gp) and bool(pp) and _places_agree(pp, gp)
    elif slot in ("actor1", "actor2"):
        g = getattr(gold, slot) if gold else None
        p = span_text(getattr(pred, slot)) if pred else None
        aliases: list[str] = getattr(gold, f"{slot}_aliases") if gold else []
        agree = g is not None and p is not None and names_match(p, g, aliases)
    else:  # fatalities
        gf = gold.fatalities if gold else None
        pf = pred.fatalities if pred else None
        g = None if gf is None else str(gf)
        p = None if pf is None else str(pf)
        agree = gf is not None and gf == pf
    return g, p, agree


def similarity(pred: Event, gold: GoldEvent) -> float:
    """Weighted agreement of a predicted and a gold event, in [0, 1].

    ``SIMILARITY_WEIGHTS``: event type 0.35 (same sub-event type: full; same ACLED event type
    only: half), date 0.25 (equal value: full; containment: 0.75 of it), countries 0.20 (Jaccard
    over country keys; both empty: full), actor1 0.10 and actor2 0.10 (``names_match`` with the
    gold aliases; both null: full).
    """
    w = SIMILARITY_WEIGHTS
    if pred.event_type == gold.event_type:
        type_score = 1.0
    elif acled_categories(pred.event_type)[0] == acled_categories(gold.event_type)[0]:
        type_score = EVENT_TYPE_PARTIAL
    else:
        type_score = 0.0
    score = (
        w["event_type"] * type_score
        + w["date"] * _date_score(pred.date.value, gold.date.value)
        + w["countries"] * _jaccard(_pred_countries(pred), _gold_countries(gold))
        + w["actor1"] * names_match(span_text(pred.actor1), gold.actor1, gold.actor1_aliases)
        + w["actor2"] * names_match(span_text(pred.actor2), gold.actor2, gold.actor2_aliases)
    )
    return min(1.0, max(0.0, round(score, 6)))


def _tiebreak(pred: Event, gold: GoldEvent) -> float:
    """Secondary agreement used only to break similarity ties: place, fatalities, shared evidence."""
    places = slot_values("place", pred, gold)
    gold_quotes = [fold(e.quote) for e in gold.evidence]
    shared = any(
        p and any(p in g or g in p for g in gold_quotes) for p in (fold(s.quote) for s in pred.evidence)
    )
    return (
        float(places[2] or places[0] == places[1]) + float(pred.fatalities == gold.fatalities) + float(shared)
    ) / 3


def match_events(
    preds: Sequence[Event], golds: Sequence[GoldEvent], threshold: float = MATCH_THRESHOLD
) -> list[tuple[int, int, float]]:
    """One-to-one (pred_index, gold_index, similarity) pairs, sorted by gold index.

    Similarities below ``threshold`` are zeroed before the assignment, so the Hungarian
    algorithm (``scipy.optimize.linear_sum_assignment``, maximising) finds the largest total
    similarity among admissible pairs only; pairs it assigns below the threshold are dropped.
    Equal similarities are told apart by a tie-breaker (same places, same fatalities, a shared
    evidence quote) weighted ``TIEBREAK_WEIGHT``; the returned similarity excludes it.
    """
    if not preds or not golds:
        return []
    sims = np.array([[similarity(p, g) for g in golds] for p in preds], dtype=float)
    ties = np.array([[_tiebreak(p, g) for g in golds] for p in preds], dtype=float)
    weights = np.where(sims >= threshold, sims + TIEBREAK_WEIGHT * ties, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    pairs = [(int(r), int(c), float(sims[r, c])) for r, c in zip(rows, cols, strict=True)]
    return sorted((p for p in pairs if p[2] >= threshold), key=lambda p: p[1])


def _claim_key(claim: CasualtyClaim | GoldCasualty) -> tuple[str, int, str]:
    return claim.kind, claim.count, claim.qualifier


def match_claims(preds: Sequence[CasualtyClaim], golds: Sequence[GoldCasualty]) -> list[tuple[int, int]]:
    """One-to-one (pred_index, gold_index) pairs of claims with equal (kind, count, qualifier).

    Among equal-key claims, pairs are chosen to maximise claimant agreement.
    """
    pairs: list[tuple[int, int]] = []
    keys = {_claim_key(c) for c in preds} & {_claim_key(c) for c in golds}
    for key in sorted(keys, key=str):
        pi = [i for i, c in enumerate(preds) if _claim_key(c) == key]
        gi = [j for j, c in enumerate(golds) if _claim_key(c) == key]
        agree = np.array(
            [
                [float(names_match(span_text(preds[i].claimed_by), golds[j].claimed_by)) for j in gi]
                for i in pi
            ]
        )
        rows, cols = linear_sum_assignment(agree, maximize=True)
        pairs.extend((pi[r], gi[c]) for r, c in zip(rows, cols, strict=True))
    return sorted(pairs)
