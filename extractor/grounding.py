"""Tie the LLM's quotes to the article: find each quote, set its character offsets, report what is missing.

A quote is found when it is a verbatim substring of the article (``alignment="exact"``) or,
failing that, when it matches after folding whitespace runs to one space and typographic
quotation marks and apostrophes to ASCII (``alignment="normalized"``). Offsets always point
into the original article text. Nothing fuzzier is accepted: a quote that cannot be found
is ungrounded, and an ungrounded record is never passed off as grounded.

``GroundedDraft`` is the response model sent to instructor: the same JSON Schema as
``ExtractionDraft`` plus a validator that reads the article from the validation context and
rejects any quote it cannot find, so instructor re-asks with the list of problems.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

import pysbd
from pydantic import ConfigDict, Field, ValidationInfo, create_model, model_validator

from schemas.events_v1 import CasualtyDraft, EventDraft, ExtractionDraft, Span

from .normalize import NUMBER_WORDS

__all__ = [
    "MIN_EVIDENCE_CHARS",
    "GroundedDraft",
    "count_in_quote",
    "draft_problems",
    "event_problems",
    "find_quote",
    "fold",
    "grammar_safe",
    "sentence_choice_model",
    "sentences",
]

#: Shorter evidence quotes ("US", "the strikes") would match almost any article.
MIN_EVIDENCE_CHARS = 12

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
    }
)
_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold quotation marks and whitespace the way ``find_quote`` does (for comparisons)."""
    return _WS.sub(" ", text.translate(_FOLD)).strip()


@lru_cache(maxsize=64)
def _folded_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` folded, and for each folded character the index of its source character."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if in_space:
                continue
            in_space = True
            out.append(" ")
        else:
            in_space = False
            out.append(ch)
        index.append(i)
    return "".join(out), tuple(index)


def find_quote(quote: str, text: str) -> Span | None:
    """Locate ``quote`` in ``text``; ``None`` when it is not there (after normalisation)."""
    stripped = quote.strip()
    if not stripped:
        return None
    start = text.find(stripped)
    if start >= 0:
        return Span(quote=quote, start=start, end=start + len(stripped), alignment="exact")
    folded_text, index = _folded_with_map(text)
    needle = fold(stripped)
    pos = folded_text.find(needle)
    if pos < 0:
        return None
    first = index[pos]
    last = index[pos + len(needle) - 1]
    return Span(quote=quote, start=first, end=last + 1, alignment="normalized")


def count_in_quote(count: int, quote: str) -> bool:
    """True when the figure ``count`` is written in ``quote`` (digits, with separators, or as a word)."""
    lowered = quote.lower()
    for token in re.findall(r"\d[\d,.]*", lowered):
        digits = token.rstrip(".,").replace(",", "")
        if digits.isdigit() and int(digits) == count:
            return True
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", lowered)
    for word in words:
        if "-" in word:  # "twenty-four"
            tens, _, units = word.partition("-")
            if NUMBER_WORDS.get(tens, -1) + NUMBER_WORDS.get(units, -100) == count:
                return True
        elif word not in {"a", "an"} and NUMBER_WORDS.get(word) == count:
            return True
    # "a soldier was killed": the article's "a" is the figure 1, but only if no other figure is given
    has_other_figure = bool(re.search(r"\d", lowered)) or any(
        w in NUMBER_WORDS and w not in {"a", "an"} for w in words
    )
    return count == 1 and not has_other_figure and bool(re.search(r"\b(an?|single)\b", lowered))


def event_problems(event: EventDraft, text: str, where: str) -> list[str]:
    """Every grounding problem of one drafted event, each naming the field (``where`` is its path)."""
    problems: list[str] = []
    for j, quote in enumerate(event.evidence):
        if len(fold(quote)) < MIN_EVIDENCE_CHARS:
            problems.append(f"{where}.evidence[{j}] is too short to identify a passage: {quote!r}")
        elif find_quote(quote, text) is None:
            problems.append(f"{where}.evidence[{j}] is not in the article; copy the words exactly: {quote!r}")
    for j, claim in enumerate(event.casualties):
        if find_quote(claim.quote, text) is None:
            problems.append(f"{where}.casualties[{j}].quote is not in the article: {claim.quote!r}")
        elif not count_in_quote(claim.count, claim.quote):
            problems.append(f"{where}.casualties[{j}].count {claim.count} does not appear in its quote")
    if event.date_text is not None and find_quote(event.date_text, text) is None:
        problems.append(f"{where}.date_text is not in the article: {event.date_text!r}")
    return problems


def draft_problems(draft: ExtractionDraft, text: str) -> list[str]:
    """Grounding problems across all events of a draft."""
    problems: list[str] = []
    for i, event in enumerate(draft.events):
        problems.extend(event_problems(event, text, f"events[{i}]"))
    return problems


class GroundedDraft(ExtractionDraft):
    # ``ExtractionDraft`` whose quotes must be found in ``context["article"]`` (instructor re-asks
    # if not). The docstring is the parent's on purpose: it is the schema description the LLM reads.
    __doc__ = ExtractionDraft.__doc__

    model_config = ConfigDict(title="ExtractionDraft", extra="forbid")

    @model_validator(mode="after")
    def _quotes_are_in_the_article(self, info: ValidationInfo) -> GroundedDraft:
        context: dict[str, Any] | None = info.context
        if not context or "article" not in context:
            return self
        problems = draft_problems(self, str(context["article"]))
        if problems:
            raise ValueError(
                "Some quotes are not exact passages of the article. Fix or remove these events:\n- "
                + "\n- ".join(problems)
            )
        return self


# --------------------------------------------------------------------------- sentence choice


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


def sentence_choice_model(text: str) -> type[GroundedDraft]:
    """A response model whose evidence (and casualty quotes) must be one of ``text``'s sentences.

    The JSON Schema lists the sentences as an ``enum``: a grammar-constrained server (llama.cpp)
    can then only emit exact sentences, and any server is told exactly what it may choose. The
    LLM decides which sentences state an event; the words and their offsets come from code.
    Grounding is still checked by ``GroundedDraft``'s validator.
    """
    options = tuple(grammar_safe(s.quote) for s in sentences(text) if "\\" not in s.quote)
    if not options:
        return GroundedDraft
    sentence: Any = Literal.__getitem__(options)
    casualty: Any = create_model(
        "CasualtyDraft",
        __base__=CasualtyDraft,
        __doc__=CasualtyDraft.__doc__,
        quote=(sentence, Field(description="The sentence of the article that gives this figure.")),
    )
    casualties_doc = EventDraft.model_fields["casualties"].description
    event: Any = create_model(
        "EventDraft",
        __base__=EventDraft,
        __doc__=EventDraft.__doc__,
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
    events_doc = ExtractionDraft.model_fields["events"].description
    draft: type[GroundedDraft] = create_model(
        "ExtractionDraft",
        __base__=GroundedDraft,
        __doc__=ExtractionDraft.__doc__,
        events=(list[event], Field(default_factory=list, description=events_doc)),
    )
    return draft
