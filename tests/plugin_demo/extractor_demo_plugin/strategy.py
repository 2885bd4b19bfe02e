"""``demo-trigger``: every sentence with the word "attacked" is one event, found by code.

With an endpoint configured it asks the LLM to write the events instead (its own option, read
from the settings): the one thing ``asks_llm`` and ``cache_key`` report.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from extractor.inputs import Article
from extractor.prompts import PromptSpec
from extractor.settings import Settings
from extractor.strategies.base import LLMRequest, Plan, draft_model_for, drafts_of, render_messages
from schemas.events_v1 import EventDraft
from schemas.events_v3 import Diagnostics

_SENTENCE = re.compile(r"[^.!?\n]*\battacked\b[^.!?\n]*[.!?]")


@dataclasses.dataclass(frozen=True)
class Options:
    ask: bool


class TriggerStrategy:
    name = "demo-trigger"
    llm_role = "extraction"

    def options(self, settings: Settings) -> Options:
        return Options(ask=settings.llm.base_url is not None)

    def asks_llm(self, spec: PromptSpec, options: Options) -> bool:
        return options.ask

    def cache_key(self, options: Options) -> Mapping[str, Any]:
        return {"demo_ask": options.ask}

    def plan(self, spec: PromptSpec, article: Article, options: Options) -> Plan[tuple[str, ...]]:
        found = tuple(m.group().strip() for m in _SENTENCE.finditer(article.text))
        if not options.ask:
            return Plan(None, found)
        model = draft_model_for(spec)
        return Plan(LLMRequest(render_messages(spec, article), model, {"article": article.text}), found)

    def drafts(
        self, plan: Plan[tuple[str, ...]], validated: BaseModel | None, content: str, diagnostics: Diagnostics
    ) -> list[EventDraft]:
        if plan.request is not None:
            return drafts_of(validated, content, diagnostics)
        return [EventDraft(event_type="Armed clash", evidence=[sentence]) for sentence in plan.state]
