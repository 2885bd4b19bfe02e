"""Free quotes (prompts ``events.v1``, ``events.v2``): the LLM copies its evidence from the article."""

from __future__ import annotations

from pydantic import BaseModel

from schemas.events_v1 import EventDraft
from schemas.events_v3 import Diagnostics

from ..grounding import grounded_model
from ..inputs import Article
from ..prompts import PromptSpec
from .base import LLMRequest, LLMWrites, Plan, draft_model_for, drafts_of, render_messages

__all__ = ["QuotesStrategy"]


class QuotesStrategy(LLMWrites):
    """Ask for ``ExtractionDraft`` with verbatim quotes; the validator re-asks for quotes not found."""

    name = "quotes"

    def plan(self, spec: PromptSpec, article: Article, options: None) -> Plan[None]:
        model = grounded_model(draft_model_for(spec))
        return Plan(LLMRequest(render_messages(spec, article), model, {"article": article.text}), None)

    def drafts(
        self, plan: Plan[None], validated: BaseModel | None, content: str, diagnostics: Diagnostics
    ) -> list[EventDraft]:
        return drafts_of(validated, content, diagnostics)
