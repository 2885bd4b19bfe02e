"""Sentence choice (prompt ``events.v3``): the LLM chooses evidence among the article's sentences.

Code splits the article into sentences (pysbd, rules only, exact offsets) and the response
schema lists them as an ``enum``: a grammar-constrained server (llama.cpp) can then only emit
exact sentences, and any server is told exactly what it may choose. Grounding is still checked.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal, cast, get_args

import pysbd
from pydantic import BaseModel, Field, create_model

from schemas.events_v1 import EventDraft, ExtractionDraft
from schemas.events_v3 import Diagnostics, Span

from ..grounding import MIN_EVIDENCE_CHARS, grounded_model
from ..inputs import Article
from ..prompts import PromptSpec
from .base import LLMRequest, LLMWrites, Plan, draft_model_for, drafts_of, render_messages

__all__ = ["SentencesStrategy", "grammar_safe", "sentence_choice_model", "sentences"]


@lru_cache(maxsize=16)
def sentences(text: str) -> tuple[Span, ...]:
    """The article's sentences (pysbd, rules only), stripped, with offsets.

    Fragments shorter than ``MIN_EVIDENCE_CHARS`` and repeated sentences are left out.
    """
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    found: list[Span] = []
    seen: set[str] = set()
    for piece in segmenter.segment(text):
        stripped = piece.sent.strip()
        if len(stripped) < MIN_EVIDENCE_CHARS or stripped in seen:
            continue
        seen.add(stripped)
        start = piece.start + piece.sent.index(stripped)
        found.append(Span(quote=stripped, start=start, end=start + len(stripped), alignment="exact"))
    return tuple(found)


def grammar_safe(sentence: str) -> str:
    """``sentence`` with straight double quotes made typographic (U+201D).

    llama-cpp-python's JSON-Schema-to-grammar converter escapes ``"`` but not ``\\`` in literals,
    so an enum value holding a ``"`` (JSON ``\\"``) yields a grammar the server cannot parse (and
    the server dies). ``find_quote`` folds typographic quotes back, so the chosen sentence is
    still found at its exact offsets (``alignment="normalized"``). Sentences with a backslash
    are not offered at all.
    """
    return sentence.replace('"', "\u201d")


def _item_model(model: type[BaseModel], field: str) -> Any:
    """The model of the items of list field ``field`` of ``model``."""
    return get_args(model.model_fields[field].annotation)[0]


@lru_cache(maxsize=16)
def sentence_choice_model(
    text: str, draft_model: type[ExtractionDraft] = ExtractionDraft
) -> type[ExtractionDraft]:
    """A response model whose evidence (and casualty quotes) must be one of ``text``'s sentences.

    The JSON Schema lists the sentences as an ``enum``: a grammar-constrained server (llama.cpp)
    can then only emit exact sentences, and any server is told exactly what it may choose. The
    LLM decides which sentences state an event; the words and their offsets come from code.
    ``draft_model`` is the drafts' schema version; grounding is still checked by its validator.
    """
    grounded = grounded_model(draft_model)
    options = tuple(grammar_safe(s.quote) for s in sentences(text) if "\\" not in s.quote)
    if not options:
        return grounded
    event_model = _item_model(draft_model, "events")
    casualty_model = _item_model(event_model, "casualties")
    sentence: Any = Literal.__getitem__(options)
    casualty: Any = create_model(
        "CasualtyDraft",
        __base__=casualty_model,
        __doc__=casualty_model.__doc__,
        quote=(sentence, Field(description="The sentence of the article that gives this figure.")),
    )
    casualties_doc = event_model.model_fields["casualties"].description
    event: Any = create_model(
        "EventDraft",
        __base__=event_model,
        __doc__=event_model.__doc__,
        casualties=(list[casualty], Field(default_factory=list, description=casualties_doc)),
        evidence=(
            list[sentence],
            Field(
                min_length=1,
                description="One or more sentences of the article, chosen from the allowed values, "
                "that state this event.",
            ),
        ),
    )
    events_doc = draft_model.model_fields["events"].description
    model: Any = create_model(
        "ExtractionDraft",
        __base__=grounded,
        __doc__=draft_model.__doc__,
        events=(list[event], Field(default_factory=list, description=events_doc)),
    )
    return cast(type[ExtractionDraft], model)


class SentencesStrategy(LLMWrites):
    """Ask for ``ExtractionDraft`` whose evidence is chosen among the article's sentences."""

    name = "sentences"

    def plan(self, spec: PromptSpec, article: Article, options: None) -> Plan[None]:
        model = sentence_choice_model(article.text, draft_model_for(spec))
        return Plan(LLMRequest(render_messages(spec, article), model, {"article": article.text}), None)

    def drafts(
        self, plan: Plan[None], validated: BaseModel | None, content: str, diagnostics: Diagnostics
    ) -> list[EventDraft]:
        return drafts_of(validated, content, diagnostics)
