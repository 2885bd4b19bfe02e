"""Field candidates around one trigger: dates, places, actors and casualty claims, from the parse.

Every candidate is the article's own words (a token span), so grounding finds it; code ranks
them nearest-first and the LLM (if asked) only chooses among them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import TYPE_CHECKING, Final

from schemas.events_v3 import CasualtyDraft

from ...derive.casualties import casualty_figures
from ...derive.dates import resolve_date
from .places import country_of_place, country_of_text

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["actor_candidates", "claims_in", "date_candidates", "entities", "location_candidates", "phrase"]

_PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})
_ACTOR_LABELS: Final = frozenset({"NORP", "ORG", "GPE", "PERSON"})
_DATE_LABELS: Final = frozenset({"DATE", "TIME"})
_LOCATIVE: Final = frozenset(
    {"in", "near", "at", "outside", "inside", "around", "across", "into", "on", "throughout",
     "within", "along", "between", "towards", "toward", "over", "north", "south", "east", "west"}
)  # fmt: skip
_SAY: Final = frozenset({"say", "tell", "report", "claim", "announce", "state", "confirm", "add", "estimate"})
_PRONOUNS: Final = frozenset({"PRON", "DET"})
_AT_LEAST: Final = re.compile(r"\b(?:at\s+least|more\s+than|over|upwards\s+of|no\s+fewer\s+than)\s*$", re.I)
_ABOUT: Final = re.compile(r"\b(?:about|around|nearly|some|approximately|almost|roughly|up\s+to)\s*$", re.I)
_NOT_ACTOR: Final = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LOC", "FAC", "EVENT", "LAW"}
)
_MODIFIERS: Final = frozenset({"compound", "amod", "nmod", "poss", "nummod", "quantmod", "case"})
_MAX_PHRASE_TOKENS: Final = 8


def phrase(token: Token) -> str | None:
    """The compact noun phrase headed by ``token`` (modifiers before it, "the" but no other determiner).

    Pronouns, dates, times, numbers and places that are not countries are not actors.
    """
    if token.pos_ in _PRONOUNS or not token.text[:1].isalnum() or token.ent_type_ in _NOT_ACTOR:
        return None
    if token.ent_type_ == "GPE" and not country_of_text(token.text):
        return None
    start = token.i
    for child in token.lefts:
        if child.dep_ in _MODIFIERS and child.pos_ != "NUM":
            start = min(start, child.left_edge.i)
    doc = token.doc
    if token.i - start + 1 > _MAX_PHRASE_TOKENS:
        start = token.i
    if doc[start].dep_ == "case":
        start += 1
    if start > 0 and start == token.left_edge.i + 1 and doc[start - 1].lower_ == "the":
        start -= 1  # "the army": the article's own words, and unambiguous to locate
    return doc[start : token.i + 1].text.strip() or None


def entities(span: SpacySpan) -> list[SpacySpan]:
    """The entities inside ``span``, from an index built once per document.

    ``Span.ents`` scans every entity of the document on each call, which would make an article
    quadratic in its length; the index keeps it linear.
    """
    doc = span.doc
    index = doc.user_data.get("extractor_ents")
    if index is None:
        ents = list(doc.ents)
        index = ([e.start for e in ents], ents)
        doc.user_data["extractor_ents"] = index
    starts, ents = index
    first = bisect.bisect_left(starts, span.start)
    last = bisect.bisect_left(starts, span.end)
    return [e for e in ents[first:last] if e.end <= span.end]


def _by_distance(items: list[tuple[int, str]], position: int, limit: int) -> tuple[str, ...]:
    ranked: list[str] = []
    for _, text in sorted(items, key=lambda item: abs(item[0] - position)):
        if text not in ranked:
            ranked.append(text)
    return tuple(ranked[:limit])


def date_candidates(
    sentence: SpacySpan, paragraph: SpacySpan, trigger: Token, published: dt.date | None, limit: int = 3
) -> tuple[str, ...]:
    """Date expressions that resolve, nearest the trigger: the sentence first, then the paragraph."""
    found: list[str] = []
    for scope in (sentence, paragraph):
        items = [
            (ent.start, ent.text)
            for ent in entities(scope)
            if ent.label_ in _DATE_LABELS and resolve_date(ent.text, published).value is not None
        ]
        for text in _by_distance(items, trigger.i, limit):
            if text not in found:
                found.append(text)
        if found:
            break
    return tuple(found[:limit])


def _locative(ent: SpacySpan) -> bool:
    """Whether the entity is where something happened ("in X", "near X", "X's north"), not who acted."""
    node = ent.root
    for _ in range(3):
        if node.dep_ == "pobj":
            return node.head.lower_ in _LOCATIVE
        if node.dep_ not in {"conj", "appos", "compound"} or node.head is node:
            break
        node = node.head
    return ent.label_ != "GPE" and node.dep_ not in {"nsubj", "nsubjpass", "poss"}


def location_candidates(
    sentence: SpacySpan, trigger: Token, limit: int = 3
) -> tuple[tuple[str, str | None], ...]:
    """(country as written or as ISO 3166 names it, place or ``None``) for the places the sentence locates."""
    countries = [
        (e.start, e.text) for e in entities(sentence) if e.label_ == "GPE" and country_of_text(e.text)
    ]
    out: list[tuple[str, str | None]] = []
    places = [e for e in entities(sentence) if e.label_ in _PLACE_LABELS and _locative(e)]
    for ent in sorted(places, key=lambda e: abs(e.start - trigger.i)):
        if country_of_text(ent.text):
            candidate: tuple[str, str | None] = (ent.text, None)
        else:
            implied = country_of_place(ent.text)
            nearest = _by_distance(countries, ent.start, 1)
            candidate = (implied or (nearest[0] if nearest else ""), ent.text)
        if candidate not in out:
            out.append(candidate)
    # a country alone is redundant when a place in it is listed
    named = {country_of_text(c) or c for c, p in out if p}
    out = [c for c in out if c[1] is not None or (country_of_text(c[0]) or c[0]) not in named]
    return tuple(out[:limit])


def _subject_of(verb: Token) -> Token | None:
    node = verb
    for _ in range(3):
        for child in node.children:
            if child.dep_ == "nsubj":
                return child
        if node.dep_ not in {"xcomp", "advcl", "conj", "acl"}:
            return None
        node = node.head
    return None


def _roles(trigger: Token) -> tuple[Token | None, Token | None]:
    actor1 = actor2 = None
    for child in trigger.children:
        if child.dep_ == "nsubj":
            actor1 = child
        elif child.dep_ in {"nsubjpass", "dobj"}:
            actor2 = child
        elif child.dep_ == "agent":
            actor1 = next((g for g in child.children if g.dep_ == "pobj"), actor1)
        elif child.dep_ == "poss":
            actor1 = child
        elif child.dep_ == "prep" and child.lower_ in {"by", "on", "against", "targeting", "at", "with"}:
            obj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if child.lower_ == "by":
                actor1 = obj or actor1
            else:
                actor2 = actor2 or obj
    if actor1 is None and trigger.pos_ == "VERB":
        actor1 = _subject_of(trigger)
    return actor1, actor2


def actor_candidates(
    sentence: SpacySpan, trigger: Token, limit: int = 3
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(initiator candidates, target candidates): the trigger's subject/object, then nearby entities.

    Whoever the sentence cites as its source ("X said", "according to X") is not an actor.
    """
    source = _claimant(sentence)
    role1, role2 = _roles(trigger)
    first = [p for p in (phrase(role1) if role1 is not None else None,) if p and p != source]
    second = [p for p in (phrase(role2) if role2 is not None else None,) if p and p != source]
    named = [
        (e.start, e.text)
        for e in entities(sentence)
        if e.label_ in _ACTOR_LABELS
        and (e.label_ != "GPE" or country_of_text(e.text))
        and (source is None or e.text not in source)
    ]
    for text in _by_distance(named, trigger.i, limit + 2):
        if text not in first and text not in second:
            first.append(text)
            second.append(text)
    return tuple(first[:limit]), tuple(second[:limit])


def _claimant(sentence: SpacySpan) -> str | None:
    for token in sentence:
        if token.lower_ == "according" and token.i + 2 <= sentence.end:
            to = token.doc[token.i + 1]
            obj = next((g for g in to.children if g.dep_ == "pobj"), None)
            if obj is not None and (text := phrase(obj)):
                return text
        if token.lemma_.lower() in _SAY and token.pos_ == "VERB":
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is not None and (text := phrase(subject)):
                return text
    return None


def _victims(sentence: SpacySpan, figure_end: int) -> str | None:
    token = sentence.char_span(figure_end - 1, figure_end, alignment_mode="expand")
    if token is None or not len(token):
        return None
    head = token[-1].head if token[-1].dep_ in {"nummod", "quantmod"} else None
    if head is None or head.pos_ not in {"NOUN", "PROPN"}:
        return None
    return phrase(head)


def claims_in(sentence: SpacySpan) -> tuple[tuple[int, CasualtyDraft], ...]:
    """The casualty figures the sentence states (with their offset in it), claimant and victims.

    The claimant is whoever the sentence attributes it to ("X said", "according to X").
    """
    text = sentence.text
    claimant = _claimant(sentence)
    claims: list[tuple[int, CasualtyDraft]] = []
    for figure in casualty_figures(text):
        before = text[: figure.start]
        qualifier = (
            "at_least" if _AT_LEAST.search(before) else "approximate" if _ABOUT.search(before) else "exact"
        )
        claims.append(
            (
                figure.start,
                CasualtyDraft(
                    kind=figure.kind,
                    count=figure.value,
                    qualifier=qualifier,
                    claimed_by=claimant,
                    victims=_victims(sentence, figure.end),
                    quote=text,
                ),
            )
        )
    return tuple(claims)
