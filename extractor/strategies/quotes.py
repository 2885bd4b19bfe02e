"""Free quotes (prompts ``events.v1``, ``events.v2``): the LLM copies its evidence from the article."""

from __future__ import annotations

from pydantic import BaseModel

from schemas.events_v1 import Diagnostics, EventDraft

from ..grounding import GroundedDraft
from ..inputs import Article
from ..prompts import PromptSpec
from .base import LLMRequest, drafts_of, render_messages

__all__ = ["QuotesStrategy"]


class QuotesStrategy:
    """Ask for ``ExtractionDraft`` with verbatim quotes; the validator re-asks for quotes not found."""

    name = "quotes"

    def request(self, spec: PromptSpec, article: Article) -> LLMRequest:
        return LLMRequest(render_messages(spec, article), GroundedDraft, {"article": article.text})

    def drafts(self, validated: BaseModel | None, content: str, diagnostics: Diagnostics) -> list[EventDraft]:
        return drafts_of(validated, content, diagnostics)
