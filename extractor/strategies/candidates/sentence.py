"""What one sentence reports: its event words, the events they make, and whose each casualty figure is.

* A trigger (``lexicon``) inside a name or a date ("the Ceasefire Monitoring Committee", "May 5")
  or only modifying another noun ("protest leaders") is not a trigger.
* An instrument (a drone, rockets, a car bomb) is an event only when the sentence says it was used
  ("fired rockets", "a drone struck"); otherwise it only decides the type of the sentence's event.
* Event words of different types far apart in the parse are different events ("strikes on the sites
  of the militia behind a rocket attack"); close together they describe one, whose type the strongest
  word decides. A verb of violence answering a named attack ("in revenge for a grenade attack")
  is its own event.
* A casualty figure belongs to the event word whose phrase holds it most narrowly; a figure in the
  phrase of a word that is not reported as an event belongs to none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final, NamedTuple

from schemas.events_v1 import SubEventType
from schemas.events_v3 import CasualtyDraft

from .lexicon import CIVILIAN_TARGET, EXPLOSIVE, FORCES, GENERIC, Trigger, find_triggers
from .spans import entity_of
from .when import ANCHOR

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["RAID", "Factual", "Hit", "by_target", "events_of", "owned", "predicate_of", "triggers"]

#: Nouns that tell another event as the cause of the sentence's own ("in retaliation for").
_PROVOKING: Final = frozenset({"retaliation", "response", "revenge", "reprisal", "retribution", "answer"})

#: Generic violence this many words from a named kind is told of it ("shelled the town, killing three").
_GENERIC_REACH: Final = 12

#: Entities a trigger inside of is part of a name or a date, not an event word.
_NAME_LABELS: Final = frozenset(
    {"DATE", "TIME", "ORG", "PERSON", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"}
)

#: Verbs that say an instrument was used: with one of these, "rockets" or "a drone" is an event.
_USE: Final = frozenset(
    {"fire", "launch", "drop", "throw", "hurl", "lob", "plant", "detonate", "explode", "land", "hit",
     "strike", "kill", "wound", "injure", "target", "rain", "pound", "bomb", "shell", "blow",
     "slam", "shoot", "go", "destroy", "damage"}
)  # fmt: skip

RAID: Final = re.compile(r"raid(?:s|ed|ing)?|search(?:es|ed)?|storm(?:ed)?")


class Hit(NamedTuple):
    """A trigger word of a sentence: its span and its lexicon entry."""

    span: SpacySpan
    trigger: Trigger


class Factual(NamedTuple):
    """A trigger reported as having happened, with the predicate that reports it."""

    span: SpacySpan
    trigger: Trigger
    predicate: Token


def triggers(sent: SpacySpan) -> list[Hit]:
    """The sentence's trigger words, without those inside names and dates or modifying another noun."""
    hits: list[Hit] = []
    for start, end, trigger in find_triggers(sent.text):
        span = sent.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        entity = entity_of(span.root)
        if entity is not None and entity.label_ in _NAME_LABELS:
            continue
        root = span.root
        if (
            root.dep_ in {"compound", "nmod"}
            and not find_triggers(root.head.text)
            and root.head.pos_ in {"NOUN", "PROPN"}
        ):
            continue  # "protest leaders", "attack dogs": the head noun is not an event
        hits.append(Hit(span, trigger))
    return hits


def _used(instrument: Token) -> Token | None:
    """The verb that says the instrument was used ("fired rockets", "a drone struck"), if any."""
    node = instrument
    while node.dep_ in {"compound", "conj", "appos"} and node.head.i != node.i:
        node = node.head
    head = node.head
    if node.dep_ == "pobj" and head.head.i != head.i:
        head = head.head  # "killed by a roadside bomb", "attacked with rockets"
    if head.pos_ in {"VERB", "AUX"} and head.lemma_.lower() in _USE:
        return head
    return None


def predicate_of(span: SpacySpan, trigger: Trigger) -> Token:
    """The token whose arguments are the event's: the trigger's head word, or the verb using an instrument."""
    root = span.root
    while root.dep_ == "compound" and root.head.i != root.i and root.head.pos_ in {"NOUN", "PROPN"}:
        root = root.head  # "rocket attack": the event noun is "attack"
    if trigger.instrument:
        return _used(root) or root
    return root


def _near(a: Token, b: Token, steps: int = 2) -> bool:
    """Whether two words are at most ``steps`` dependency edges apart (one describes the other's event)."""
    seen = {a.i: 0}
    frontier = [a]
    for depth in range(1, steps + 1):
        nxt = []
        for token in frontier:
            for other in (token.head, *token.children):
                if other.i not in seen:
                    seen[other.i] = depth
                    nxt.append(other)
        frontier = nxt
    return b.i in seen


def _another_event(word: Token) -> bool:
    """Whether a word is told as an earlier or provoking event ("in revenge for a grenade attack",
    "after the bombing"): then the sentence's own verb of violence is an event of its own."""
    node = word
    for _ in range(6):
        if node.head.i == node.i:
            return False
        node = node.head
        if node.lemma_.lower() in _PROVOKING or (node.dep_ in {"prep", "mark"} and node.lower_ in ANCHOR):
            return True
        if node.dep_ == "prep" and any(  # "attacked X in revenge for Y": the cause hangs beside it
            g.lemma_.lower() in _PROVOKING for c in node.head.children if c.dep_ == "prep" for g in c.children
        ):
            return True
    return False


def _same_kind(a: Factual, b: Factual) -> bool:
    """Words of one type, or generic violence beside a named kind: one event unless far apart in text."""
    if a.trigger.event_type == b.trigger.event_type:
        return True
    return (
        GENERIC in (a.trigger.tier, b.trigger.tier) and abs(a.predicate.i - b.predicate.i) <= _GENERIC_REACH
    )


def events_of(factual: list[Factual]) -> list[Factual]:
    """The events a sentence reports: one per named mode, kind or explosion of its own.

    Words of different types far apart in the parse ("strikes on sites of the militia that was
    behind a rocket attack") are different events; words close together ("a drone strike killed")
    describe one, whose type the strongest word decides.
    """
    disrupted = [h for h in factual if h.trigger.event_type == "Disrupted weapons use"]
    named = [h for h in factual if h.trigger.tier <= EXPLOSIVE]
    told_apart = bool(named) and all(_another_event(h.predicate) for h in named)
    pool = disrupted or [
        h
        for h in factual
        if h.trigger.tier <= EXPLOSIVE
        or (told_apart and h.trigger.tier == GENERIC and h.predicate.dep_ == "ROOT")
    ]
    ranked = sorted(pool, key=lambda h: (h.trigger.tier, h.trigger.instrument, h.span.start))
    chosen: list[Factual] = []
    for hit in ranked:
        answering = told_apart and hit.trigger.tier == GENERIC  # its own event, however close in the text
        if not answering and any(_same_kind(hit, c) or _near(hit.predicate, c.predicate) for c in chosen):
            continue
        chosen.append(hit)
    if not chosen:
        chosen = [min(factual, key=lambda h: (h.trigger.tier, h.trigger.instrument))]
    return sorted(chosen, key=lambda h: h.span.start)


def by_target(types: tuple[SubEventType, ...], target: str) -> tuple[SubEventType, ...]:
    """Generic violence: "Armed clash" when the side acted on is armed, "Attack" when it is not."""
    armed = bool(FORCES.search(target)) and not CIVILIAN_TARGET.search(target)
    first: SubEventType = "Armed clash" if armed else "Attack"
    if first not in types:
        return types
    return (first, *(t for t in types if t != first))


def owned(
    claims: tuple[tuple[int, CasualtyDraft], ...],
    sent: SpacySpan,
    chosen: list[Factual],
    unreal: list[Token],
) -> list[tuple[SpacySpan | None, CasualtyDraft]]:
    """Each claim with the event it belongs to: the event word whose phrase holds its figure most
    narrowly ("a rocket attack that killed a contractor": the attack's); a figure in the phrase of a
    word that is not an event (a blamed or threatened attack) belongs to none; a figure outside every
    phrase goes to the nearest event word."""
    out: list[tuple[SpacySpan | None, CasualtyDraft]] = []
    for position, claim in claims:
        figure = sent.char_span(position, position + 1, alignment_mode="expand")
        index = figure[0].i if figure is not None and len(figure) else None
        holders: list[tuple[int, SpacySpan | None]] = []
        if index is not None:
            for span, _trigger, predicate in chosen:
                for word in (predicate, span.root):
                    if word.left_edge.i <= index <= word.right_edge.i:
                        holders.append((word.right_edge.i - word.left_edge.i, span))
            for word in unreal:
                if word.left_edge.i <= index <= word.right_edge.i:
                    holders.append((word.right_edge.i - word.left_edge.i, None))
        if holders:
            out.append((min(holders, key=lambda h: h[0])[1], claim))
        else:
            nearest = min(chosen, key=lambda h: abs(h[0].start_char - sent.start_char - position))
            out.append((nearest[0], claim))
    return out
