"""What an extraction strategy is: it builds the LLM request and reads drafts out of the answer.

A strategy never calls the LLM itself (the pipeline does, through ``extractor.llm``), never
grounds and never derives: it only decides *what is asked* and *how the answer becomes
``EventDraft``s*. Grounding and derivation are the same for every strategy.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from schemas import DRAFT_MODELS
from schemas.events_v1 import EventDraft, ExtractionDraft
from schemas.events_v3 import Diagnostics, DroppedEvent

from ..errors import LLMOutputError, PromptError
from ..inputs import Article
from ..jsonbounds import loads_untrusted
from ..prompts import PromptSpec
from ..redact import clipped
from ..settings import Settings

__all__ = [
    "LLMRequest",
    "LLMWrites",
    "Plan",
    "Strategy",
    "draft_model_for",
    "drafts_of",
    "render_messages",
    "salvage",
]

OptionsT = TypeVar("OptionsT")
StateT = TypeVar("StateT")

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class LLMRequest:
    """One structured request: the chat messages, the response model, the validation context."""

    messages: list[dict[str, str]]
    response_model: type[BaseModel]
    context: Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class Plan(Generic[StateT]):
    """What a strategy decided to do for one article."""

    #: The LLM request, or ``None`` when code decides everything and no LLM is called.
    request: LLMRequest | None
    #: The strategy's own working data (e.g. the candidates it proposed), handed back to ``drafts``.
    state: StateT


class Strategy(Protocol[OptionsT, StateT]):
    """The plug-in interface (entry-point group ``extractor.strategies``).

    A prompt file names its strategy (``strategy:`` or ``evidence_mode:``). ``OptionsT`` is what
    the strategy reads from the settings (``options``), ``StateT`` what ``plan`` hands to ``drafts``.
    """

    #: The name prompt files use (and the entry point's name).
    name: str
    #: What the LLM does when asked, for reports: ``"extraction"`` or ``"adjudication"``.
    llm_role: str

    def options(self, settings: Settings) -> OptionsT:
        """This strategy's own options, read from ``settings``."""
        ...

    def asks_llm(self, spec: PromptSpec, options: OptionsT) -> bool:
        """Whether prompt ``spec`` with ``options`` may ask the LLM at all (else code decides alone)."""
        ...

    def cache_key(self, options: OptionsT) -> Mapping[str, Any]:
        """The options that change what an answer means: part of the response cache's key (JSON)."""
        ...

    def plan(self, spec: PromptSpec, article: Article, options: OptionsT) -> Plan[StateT]:
        """What to ask the LLM for ``article`` with prompt ``spec`` (if anything)."""
        ...

    def drafts(
        self, plan: Plan[StateT], validated: BaseModel | None, content: str, diagnostics: Diagnostics
    ) -> list[EventDraft]:
        """The drafted events: from the validated answer, else the last raw ``content``, else code.

        Records that cannot be read are listed in ``diagnostics.dropped``.
        """
        ...


class LLMWrites:
    """What a strategy whose LLM writes the events shares: no options of its own, always asks."""

    llm_role = "extraction"

    def options(self, settings: Settings) -> None:
        return None

    def asks_llm(self, spec: PromptSpec, options: None) -> bool:
        return True

    def cache_key(self, options: None) -> Mapping[str, Any]:
        return {}


def draft_model_for(spec: PromptSpec) -> type[ExtractionDraft]:
    """The draft model of the schema version ``spec`` targets."""
    try:
        return DRAFT_MODELS[spec.schema_version]
    except KeyError:
        raise PromptError(
            f"prompt {spec.name} targets schema {spec.schema_version}; known: {', '.join(DRAFT_MODELS)}"
        ) from None


def render_messages(spec: PromptSpec, article: Article) -> list[dict[str, str]]:
    """``spec``'s chat messages for ``article``."""
    rendered = spec.render(
        article=article.text,
        published=article.published.isoformat() if article.published else None,
        title=article.title,
        url=article.url,
        article_id=article.article_id,
    )
    return list(rendered.messages)


def salvage(content: str, diagnostics: Diagnostics) -> list[EventDraft]:
    """Parse the last raw answer event by event, so one bad event does not sink the others."""
    try:
        raw = loads_untrusted(_FENCE.sub("", content.strip()))
    except ValueError as exc:  # not JSON, or JSON beyond the bounds (huge numbers, deep nesting)
        raise LLMOutputError(
            f"the LLM's last answer is not JSON that can be read ({exc}); "
            "a larger model or a different prompt is needed"
        ) from None
    if isinstance(raw, dict) and isinstance(raw.get("events"), list):
        items = raw["events"]
    else:
        raise LLMOutputError("the LLM's last answer has no 'events' list")
    drafts = []
    for item in items:
        try:
            drafts.append(EventDraft.model_validate(item))
        except ValidationError as exc:
            event_type = item.get("event_type") if isinstance(item, dict) else None
            diagnostics.dropped.append(
                DroppedEvent(
                    event_type=str(event_type) if event_type is not None else None,
                    reason=f"invalid record: {exc.error_count()} validation error(s): {clipped(exc, 300)}",
                )
            )
    return drafts


def drafts_of(validated: BaseModel | None, content: str, diagnostics: Diagnostics) -> list[EventDraft]:
    """The events of a validated ``ExtractionDraft``, or those salvaged from the raw ``content``."""
    if isinstance(validated, ExtractionDraft):
        return list(validated.events)
    return salvage(content, diagnostics)
