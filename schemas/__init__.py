"""Versioned record schemas. Each version is its own module (``events_v1``, ``events_v2``, ...);
``corpus_v1``, ``corpus_v2`` the corpus record (one real-world event merged across articles).

``DRAFT_MODELS`` maps each schema version a prompt may target to the draft model (what the LLM
is asked for) of that version. The library produces records of the newest version whatever the
draft version of the prompt: ``events.v1`` and ``events.v2`` drafts have the same shape, and
``events.v3`` changed records only.
"""

from __future__ import annotations

from schemas import corpus_v1, corpus_v2, events_v1, events_v2, events_v3

__all__ = ["DRAFT_MODELS", "corpus_v1", "corpus_v2", "events_v1", "events_v2", "events_v3"]

DRAFT_MODELS: dict[str, type[events_v1.ExtractionDraft]] = {
    events_v1.SCHEMA_VERSION: events_v1.ExtractionDraft,
    events_v2.SCHEMA_VERSION: events_v2.ExtractionDraft,
}
