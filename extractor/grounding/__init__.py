"""Grounding: every string the LLM gives is tied to the article, or it is not kept.

``align`` finds a string in the article (span + alignment); ``rules`` is the one rule set, used
both as the re-ask validator (``validate.GroundedDraft``) and as the final keep/drop step.
"""

from __future__ import annotations

from .align import find_quote, fold
from .rules import (
    MIN_EVIDENCE_CHARS,
    GroundedEvent,
    Problem,
    count_in_quote,
    ground_event,
    record_problems,
)
from .validate import GroundedDraft, draft_problems

__all__ = [
    "MIN_EVIDENCE_CHARS",
    "GroundedDraft",
    "GroundedEvent",
    "Problem",
    "count_in_quote",
    "draft_problems",
    "find_quote",
    "fold",
    "ground_event",
    "record_problems",
]
