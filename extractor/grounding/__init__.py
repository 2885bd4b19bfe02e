"""Grounding: every string the LLM gives is tied to the article, or it is not kept.

``align`` finds a string in the article (span + alignment); ``suspicious`` finds instruction-like
lines, which never count as grounding; ``rules`` is the one rule set, used both as the re-ask
validator (``validate``) and as the final keep/drop step (``keep`` writes its diagnostics).
"""

from __future__ import annotations

from .align import find_quote, fold, locate
from .keep import record_problems
from .rules import MIN_EVIDENCE_CHARS, GroundedEvent, Problem, ground_event
from .suspicious import instruction_like_lines
from .validate import GroundedDraft, draft_problems, grounded_model

__all__ = [
    "MIN_EVIDENCE_CHARS",
    "GroundedDraft",
    "GroundedEvent",
    "Problem",
    "draft_problems",
    "find_quote",
    "fold",
    "ground_event",
    "grounded_model",
    "instruction_like_lines",
    "locate",
    "record_problems",
]
