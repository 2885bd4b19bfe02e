"""Review: analysts' corrections of the machine's records, kept append-only, and reviewed articles as gold.

The machine proposes, the analyst decides. ``state`` folds an article's corrections over the
machine's original result (``fold``) and gives the corrected result (``corrected_result``);
``requests`` holds what an analyst can send (accept, reject with a guideline rule, change a field
by selecting words of the article, add a missed event) and ``actions`` turns it into
corrections, checking every selection against the article's text; ``gold`` writes reviewed
articles in the evals gold format. Storage (who, when) is the service's; this package works on
records only.
"""

from __future__ import annotations

from .actions import plan, span_of
from .gold import ReviewedArticle, export_gold, gold_article
from .requests import Action, SpanIn
from .rules import DUPLICATE, REJECT_RULES, RejectRule
from .state import (
    EDITABLE_FIELDS,
    ArticleReview,
    Correction,
    RecordedCorrection,
    ReviewedEvent,
    Status,
    corrected_result,
    fold,
)

__all__ = [
    "DUPLICATE",
    "EDITABLE_FIELDS",
    "REJECT_RULES",
    "Action",
    "ArticleReview",
    "Correction",
    "RecordedCorrection",
    "RejectRule",
    "ReviewedArticle",
    "ReviewedEvent",
    "SpanIn",
    "Status",
    "corrected_result",
    "export_gold",
    "fold",
    "gold_article",
    "plan",
    "span_of",
]
