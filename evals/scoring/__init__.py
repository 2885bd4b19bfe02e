"""Score predicted event records against hand-labelled gold. Pure functions; never calls an LLM.

The rules (documented in full in ``evals/README.md``, section "Scoring"):

* **Names** (actors, places, claimants) are compared after ``name_key``; a predicted name
  matches a gold name when it equals the gold name or one of its aliases, or when one of the two
  appears inside the other as a run of whole words (``names_match``).
* **Dates** agree when the ISO values are equal or when one value's period contains the other's
  (``date_agrees``); the precision is a separate slot.
* **Event matching** pairs predictions with gold records one-to-one by maximum total
  ``similarity`` (Hungarian algorithm), keeping pairs with similarity >= ``MATCH_THRESHOLD``.
* **P/R/F1**: with no predictions and no gold every figure is 1.0; otherwise 0/0 is 0.0.
* **Ratios** (attribution accuracy, grounding rate): an empty denominator gives 1.0 (nothing was
  wrong); the denominator is always kept next to the figure.

Modules: ``metrics`` (P/R/F1, ratios), ``names`` (name rules, country keys), ``dates`` (date
rules), ``matching`` (slots, similarity, assignment), ``scores`` (per-article and corpus scores).
"""

from __future__ import annotations

from .dates import date_agrees, date_contains, date_interval
from .matching import (
    DATE_CONTAINMENT_PARTIAL,
    EVENT_TYPE_PARTIAL,
    MATCH_THRESHOLD,
    SIMILARITY_WEIGHTS,
    SLOTS,
    TIEBREAK_WEIGHT,
    Slot,
    match_claims,
    match_events,
    similarity,
    slot_values,
)
from .metrics import Counts, Ratio, prf
from .names import country_key, name_key, names_match
from .scores import (
    ArticleScore,
    ClaimDiff,
    CorpusScore,
    PairScore,
    SlotDiff,
    Tally,
    quote_grounded,
    score_article,
    score_corpus,
    sum_tallies,
)

__all__ = [
    "DATE_CONTAINMENT_PARTIAL",
    "EVENT_TYPE_PARTIAL",
    "MATCH_THRESHOLD",
    "SIMILARITY_WEIGHTS",
    "SLOTS",
    "TIEBREAK_WEIGHT",
    "ArticleScore",
    "ClaimDiff",
    "CorpusScore",
    "Counts",
    "PairScore",
    "Ratio",
    "Slot",
    "SlotDiff",
    "Tally",
    "country_key",
    "date_agrees",
    "date_contains",
    "date_interval",
    "match_claims",
    "match_events",
    "name_key",
    "names_match",
    "prf",
    "quote_grounded",
    "score_article",
    "score_corpus",
    "similarity",
    "slot_values",
    "sum_tallies",
]
