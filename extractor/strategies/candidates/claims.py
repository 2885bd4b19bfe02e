"""Casualty claims of a sentence: every figure with its claimant and victim group; arrests and abductions.

Figures are found by ``derive.casualties`` (a number in the same clause as a casualty word, not a
date, age, unit...). On top of that, from the parse:

* a casualty word inside quotation marks counts only for figures inside the same quotation (a
  chanted "no more deaths" makes no head count of the crowd a death toll);
* the claimant is the source of the clause that holds the figure: the subject of the reporting
  verb it depends on ("..., police said"), or "according to X"; the reporter's own voice otherwise;
* the victims are the noun the figure counts ("three soldiers", "seven of its guards").

Counts of people arrested or abducted are kept apart (``detentions``): they are not casualties.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from schemas.events_v3 import CasualtyDraft

from ...derive.casualties import DetentionKind, casualty_figures, detention_figures
from .reporting import REPORTING
from .spans import phrase, words

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["Detention", "claims_in", "detentions_in"]

_AT_LEAST: Final = re.compile(r"\b(?:at\s+least|more\s+than|over|upwards\s+of|no\s+fewer\s+than)\s*$", re.I)
_ABOUT: Final = re.compile(r"\b(?:about|around|nearly|some|approximately|almost|roughly|up\s+to)\s*$", re.I)
_QUOTE_MARK: Final = re.compile(r"[\"\u201c\u201d]")
_CASUALTY_IN_QUOTE: Final = re.compile(
    r"\b(?:kill\w*|dead|deaths?|died|murder\w*|wound\w*|injur\w*|casualt\w*|victims?)\b", re.I
)

Detention = tuple[DetentionKind, int, str, str]  # kind, count, qualifier, quote (the sentence)


def _quoted(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation; one left open runs to the end of the sentence."""
    marks = [m.start() for m in _QUOTE_MARK.finditer(text)]
    spans = [(a, b + 1) for a, b in zip(marks[::2], marks[1::2], strict=False)]
    if len(marks) % 2:
        spans.append((marks[-1], len(text)))
    return spans


def _slogan_only(text: str, start: int, quotes: list[tuple[int, int]]) -> bool:
    """Whether every casualty word of the figure's sentence lies in a quotation the figure is not in."""
    inside = next(((a, b) for a, b in quotes if a <= start < b), None)
    for m in _CASUALTY_IN_QUOTE.finditer(text):
        in_quote = next(((a, b) for a, b in quotes if a <= m.start() < b), None)
        if in_quote is None or in_quote == inside:
            return False
    return bool(quotes)


def _token_at(sentence: SpacySpan, offset: int) -> Token | None:
    span = sentence.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _claimant_of(token: Token, sentence: SpacySpan) -> str | None:
    """The source of the clause that holds ``token``: a reporting verb above it, or "according to"."""
    node = token
    for _ in range(12):
        if node.pos_ in {"VERB", "AUX"} and node.lemma_.lower() in REPORTING and node.i != token.i:
            subject = next((c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is not None and subject.pos_ != "PRON":
                return phrase(subject)
        for child in node.children:
            if child.lower_ == "according":
                obj = next((g for t in child.children for g in t.children if g.dep_ == "pobj"), None)
                if obj is not None:
                    return phrase(obj)
        if node.head.i == node.i:
            break
        node = node.head
    for candidate in sentence:  # "X said" with the figure in a clause the parser attached elsewhere
        if candidate.pos_ == "VERB" and candidate.lemma_.lower() in REPORTING and candidate.dep_ == "ROOT":
            subject = next((c for c in candidate.children if c.dep_ == "nsubj"), None)
            if (
                subject is not None
                and subject.pos_ != "PRON"
                and token.i not in {t.i for t in subject.subtree}
            ):
                return phrase(subject)
    return None


def _victims(token: Token | None) -> str | None:
    """The noun a figure counts: its head ("three soldiers"), or "N of X" ("seven of its guards")."""
    if token is None:
        return None
    if token.dep_ in {"nummod", "quantmod"} and token.head.pos_ in {"NOUN", "PROPN"}:
        return phrase(token.head)
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
    return phrase(obj) if obj is not None and obj.pos_ in {"NOUN", "PROPN"} else None


def _qualifier(before: str) -> str:
    return "at_least" if _AT_LEAST.search(before) else "approximate" if _ABOUT.search(before) else "exact"


def claims_in(sentence: SpacySpan) -> tuple[tuple[int, CasualtyDraft], ...]:
    """The casualty figures of the sentence (with their offset in it), each with claimant and victims."""
    text = sentence.text
    quote = words(sentence)
    quotes = _quoted(text)
    claims: list[tuple[int, CasualtyDraft]] = []
    for figure in casualty_figures(text):
        if _slogan_only(text, figure.start, quotes):
            continue
        token = _token_at(sentence, figure.end - 1)
        claims.append(
            (
                figure.start,
                CasualtyDraft(
                    kind=figure.kind,
                    count=figure.value,
                    qualifier=_qualifier(text[: figure.start]),
                    claimed_by=_claimant_of(token, sentence) if token is not None else None,
                    victims=_victims(token),
                    quote=quote,
                ),
            )
        )
    return tuple(claims)


def detentions_in(sentence: SpacySpan) -> tuple[Detention, ...]:
    """Figures of people arrested or abducted in the sentence: (kind, count, qualifier, quote)."""
    text = sentence.text
    return tuple(
        (kind, count, _qualifier(text[:start]), words(sentence))
        for kind, count, start, _end in detention_figures(text)
    )
