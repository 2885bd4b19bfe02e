"""The candidates strategy (events.v5, events.v6): code proposes every field, the LLM adjudicates.

``plan`` proposes the article's mentions (``mentions``, ``merge``); with adjudication on and at
least one mention it asks one short request, otherwise it asks nothing and code's ranking
decides. ``drafts`` turns each mention into a draft: the LLM's answer where it gave a valid one,
code's first candidate where it did not (adjudication off, an invalid or empty answer, or
mentions beyond ``MAX_ADJUDICATED``).

What the LLM may answer is the prompt's ``answers``: absent or ``options`` (events.v5,
``adjudicate``), a choice among code's candidates, so every value is a candidate, i.e. the
article's words; ``options-or-quotes`` (events.v6, ``quoting``), an option's id or the article's
own words, which grounding then locates or drops.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from schemas import events_v1
from schemas.events_v3 import (
    DateBasis,
    DetentionDraft,
    Diagnostics,
    EventDraft,
    ExcludedMention,
    LocationDraft,
    Span,
)

from ...inputs import Article
from ...prompts import PromptSpec
from ...settings import Settings
from ..base import LLMRequest, Plan
from .adjudicate import NONE, Choice, _safe, adjudication_model, choices, listing
from .mentions import Candidates, Mention, Rejected, find_mentions
from .merge import merge_mentions
from .nlp import load_pipeline
from .quoting import OpenChoice, open_choices, open_draft, open_listing, open_model
from .story import with_countries

__all__ = ["UNDATED", "CandidatesOptions", "CandidatesStrategy", "State", "draft_of", "propose"]

#: Why a mention that no event of the article dates is excluded (guideline 3.7).
UNDATED = "date unresolvable (no date)"


@dataclasses.dataclass(frozen=True)
class CandidatesOptions:
    """What the settings say to this strategy."""

    #: Ask the LLM to adjudicate the candidates (``EXTRACTOR_ADJUDICATE``); False: code decides alone.
    adjudicate: bool = True


@dataclasses.dataclass(frozen=True)
class State:
    """What ``plan`` hands to ``drafts``: the candidates and whether the LLM was asked."""

    candidates: Candidates
    asked: bool
    #: The LLM may answer with the article's words besides code's options (``quoting``).
    open: bool = False
    #: The article's text, which an open answer's words must be (``quoting``).
    text: str = ""


def propose(article: Article) -> Candidates:
    """Code's candidates for ``article``: mentions found, then merged; undated leftovers excluded."""
    found = find_mentions(article.text, article.published)
    dropped: list[Mention] = []
    merged = merge_mentions(found.mentions, article.published, dropped)
    undated = tuple(Rejected(m.evidence[0], m.start, m.trigger, UNDATED) for m in dropped)
    return dataclasses.replace(
        found,
        mentions=with_countries(merged, found.filed_in),
        rejected=tuple(sorted((*found.rejected, *undated), key=lambda r: r.start)),
        merged=len(found.mentions) - len(merged) - len(dropped),
    )


#: How each place a date hangs (``when.DATE_SOURCES``) reads in the record (``Event.date_basis``).
_BASIS: dict[str, DateBasis] = {
    "predicate": "event",
    "clause": "event",
    "sentence": "sentence",
    "anchor": "anchor",
    "report": "report",
    "paragraph": "paragraph",
    "publication": "publication",
}


def _pick(chosen: str | None, candidates: Sequence[str], own: int) -> str | None:
    """The candidate the LLM chose (its grammar-safe form mapped back), or code's first own argument.

    ``own``: how many of ``candidates`` are the predicate's own arguments; the others are options
    for an adjudicator, never code's choice.
    """
    if chosen is not None:
        if chosen == NONE:
            return None
        for candidate in candidates:
            if _safe(candidate) == chosen:
                return candidate
    return candidates[0] if candidates and own else None


def draft_of(mention: Mention, choice: Choice | None) -> EventDraft:
    """The draft for ``mention``: the LLM's choices where valid, else code's ranking."""
    event_type = mention.types[0]
    if choice is not None and choice.event_type in mention.types:
        event_type = choice.event_type
    own1, own2 = mention.roles
    actor1 = _pick(choice.actor1 if choice else None, mention.actors1, own1)
    actors2 = [a for a in mention.actors2 if a != actor1]
    return EventDraft(
        event_type=event_type,
        date_text=mention.dates[0] if mention.dates else None,
        date_basis=_BASIS.get(mention.date_source or ""),
        detentions=[
            DetentionDraft(kind=kind, count=count, qualifier=qualifier, quote=quote)
            for kind, count, qualifier, quote in mention.detentions
        ],
        locations=[LocationDraft(country=country, place=place) for country, place in mention.locations[:1]],
        actor1=actor1,
        actor2=_pick(choice.actor2 if choice else None, actors2, min(own2, len(actors2))),
        casualties=list(mention.claims),
        evidence=list(mention.evidence),
    )


class CandidatesStrategy:
    """Code proposes, the LLM (optionally) adjudicates among short grounded lists."""

    name = "candidates"
    llm_role = "adjudication"

    def options(self, settings: Settings) -> CandidatesOptions:
        return CandidatesOptions(adjudicate=settings.resolved_adjudicate)

    def asks_llm(self, spec: PromptSpec, options: CandidatesOptions) -> bool:
        return options.adjudicate

    def cache_key(self, options: CandidatesOptions) -> Mapping[str, Any]:
        return {"adjudicate": options.adjudicate}

    def plan(self, spec: PromptSpec, article: Article, options: CandidatesOptions) -> Plan[State]:
        load_pipeline()  # without the [nlp] extra: a ConfigurationError saying what to install
        candidates = propose(article)
        if not options.adjudicate or not candidates.mentions:
            return Plan(None, State(candidates, asked=False))
        open_ = spec.answers == "options-or-quotes"
        rendered = spec.render(
            article=open_listing(article.text, candidates.mentions)
            if open_
            else listing(candidates.mentions),
            published=article.published.isoformat() if article.published else None,
        )
        model = open_model(candidates.mentions) if open_ else adjudication_model(candidates.mentions)
        request = LLMRequest(list(rendered.messages), model, {"article": article.text})
        return Plan(request, State(candidates, asked=True, open=open_, text=article.text))

    def drafts(
        self, plan: Plan[State], validated: BaseModel | None, content: str, diagnostics: Diagnostics
    ) -> list[events_v1.EventDraft]:
        state: State = plan.state
        cands = state.candidates
        diagnostics.warnings.extend(cands.notes)
        diagnostics.mentions_merged = cands.merged
        for rejected in cands.rejected:
            diagnostics.warnings.append(
                f"not an event ({rejected.reason}): {rejected.trigger!r} at offset {rejected.start}"
            )
            diagnostics.excluded.append(
                ExcludedMention(
                    quote=Span(
                        quote=rejected.sentence,
                        start=rejected.start,
                        end=rejected.start + len(rejected.sentence),
                        alignment="exact",
                    ),
                    trigger=rejected.trigger,
                    reason=rejected.reason,
                )
            )
        for mention in cands.mentions:
            if mention.date_source in {"report", "publication"}:
                where = "the date of the report" if mention.date_source == "report" else "the publication day"
                diagnostics.warnings.append(
                    f"{mention.types[0]} at offset {mention.start}: no expression dates the event; "
                    f"{where} was used"
                )
        decided: Sequence[Choice | OpenChoice | None] | None = None
        if state.asked:
            count = len(cands.mentions)
            decided = open_choices(validated, count) if state.open else choices(validated, count)
        if state.asked and decided is None:
            diagnostics.warnings.append("the LLM's adjudication was unusable; code's ranking decided")
        drafts: list[events_v1.EventDraft] = []
        for j, mention in enumerate(cands.mentions):
            choice = decided[j] if decided is not None and j < len(decided) else None
            if choice is not None and not choice.is_event:
                diagnostics.warnings.append(
                    f"the LLM rejected a candidate event ({mention.types[0]}) at offset {mention.start}"
                )
                continue
            if isinstance(choice, OpenChoice):
                draft, notes = open_draft(draft_of(mention, None), mention, choice, f"m{j + 1}", state.text)
                diagnostics.warnings.extend(notes)
                drafts.append(draft)
            else:
                drafts.append(draft_of(mention, choice))
        return drafts
