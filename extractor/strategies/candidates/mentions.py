"""Event mentions of one article: sentences with a factual conflict trigger, and their field candidates.

Article structure: paragraphs are separated by line breaks; a sentence is a spaCy sentence that ends
like one or is long enough to be prose (a short headline, list item or caption with no closing
punctuation is not read, so a list of headlines yields nothing). Text that does not read as English
yields nothing and says so.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING, Final

from schemas.events_v1 import SubEventType
from schemas.events_v3 import CasualtyDraft

from .factuality import non_factual
from .fields import actor_candidates, claims_in, date_candidates, location_candidates
from .lexicon import EXPLOSIVE, MODE, NOT_CONFLICT, Trigger, find_triggers
from .nlp import parse
from .ranking import rank_types

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

__all__ = ["Candidates", "Mention", "Rejected", "find_mentions", "looks_english"]

_SENTENCE_END: Final = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s*$")
_WORD: Final = re.compile(r"[^\W\d_]+")
#: Common English function words; prose in English has far more than this share of them.
_FUNCTION_WORDS: Final = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "and",
        "or",
        "but",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "which",
        "who",
        "it",
        "its",
        "their",
        "they",
        "he",
        "she",
        "said",
        "after",
        "as",
        "not",
        "this",
    ]
)
_MIN_ENGLISH_SHARE: Final = 0.12
_MIN_WORDS: Final = 3
#: A line this long is prose even without closing punctuation (a snippet, a cut-off lede).
_MIN_PROSE_WORDS: Final = 12


@dataclasses.dataclass(frozen=True)
class Mention:
    """One event as code proposes it: evidence sentences and ranked candidates for every field."""

    evidence: tuple[str, ...]
    start: int
    trigger: str
    tier: int
    types: tuple[SubEventType, ...]
    dates: tuple[str, ...]
    locations: tuple[tuple[str, str | None], ...]
    actors1: tuple[str, ...]
    actors2: tuple[str, ...]
    claims: tuple[CasualtyDraft, ...]
    paragraph: int


@dataclasses.dataclass(frozen=True)
class Rejected:
    """A sentence with triggers none of which is a reported event, and why."""

    sentence: str
    start: int
    trigger: str
    reason: str


@dataclasses.dataclass(frozen=True)
class Candidates:
    """What code proposes for one article."""

    mentions: tuple[Mention, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    notes: tuple[str, ...] = ()


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English prose (share of English function words among its words)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < _MIN_WORDS:
        return False
    return sum(w in _FUNCTION_WORDS for w in words) / len(words) >= _MIN_ENGLISH_SHARE


def _paragraph_of(doc: Doc) -> tuple[list[int], list[SpacySpan]]:
    """Paragraph index of every character offset boundary, and each paragraph as a span."""
    bounds = [0, *(m.end() for m in re.finditer(r"\n\s*", doc.text)), len(doc.text) + 1]
    spans: list[SpacySpan] = []
    for a, b in itertools.pairwise(bounds):
        span = doc.char_span(a, max(a, b - 1), alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return bounds, spans


def _headline(line: str) -> bool:
    """A short line that does not end like a sentence: a headline, a caption or a list item."""
    return not _SENTENCE_END.search(line) and len(line.split()) < _MIN_PROSE_WORDS


def _trimmed(sent: SpacySpan) -> SpacySpan | None:
    """``sent`` without leading or trailing whitespace tokens."""
    start, end = sent.start, sent.end
    doc = sent.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end] if end > start else None


def _paragraph_index(bounds: list[int], offset: int) -> int:
    return min(max(0, bisect.bisect_right(bounds, offset) - 1), max(0, len(bounds) - 2))


def _mentions(
    sent: SpacySpan,
    hits: list[tuple[int, int, Trigger]],
    published: dt.date | None,
    paragraph: SpacySpan,
    index: int,
) -> list[Mention] | Rejected:
    factual: list[tuple[int, int, Trigger]] = []
    reason = ""
    for start, end, trigger in hits:
        span = sent.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        why = non_factual(span.root)
        if why is None:
            factual.append((start, end, trigger))
        elif not reason:
            reason = why
    if not factual:
        first = hits[0]
        return Rejected(sent.text, sent.start_char, sent.text[first[0] : first[1]], reason or "not an event")
    best_tier = min(t.tier for _, _, t in factual)
    if best_tier >= EXPLOSIVE and NOT_CONFLICT.search(sent.text):
        first = factual[0]
        return Rejected(
            sent.text, sent.start_char, sent.text[first[0] : first[1]], "a disaster, accident or crime"
        )
    disrupted = [h for h in factual if h[2].event_type == "Disrupted weapons use"]
    modes = {t.event_type: (a, b, t) for a, b, t in reversed(disrupted or factual) if t.tier == MODE}
    chosen = sorted(modes.values()) if len(modes) > 1 else [min(factual, key=lambda h: h[2].tier)]
    claims = claims_in(sent)
    mentions: list[Mention] = []
    for start, end, trigger in chosen:
        span = sent.char_span(start, end, alignment_mode="expand")
        assert span is not None
        root = span.root
        others = [t for _, _, t in factual if len(chosen) == 1 or t.tier > MODE]
        actors1, actors2 = actor_candidates(sent, root)
        mine = [c for pos, c in claims if _nearest(pos, chosen) == (start, end, trigger)]
        mentions.append(
            Mention(
                evidence=(sent.text,),
                start=sent.start_char,
                trigger=span.text,
                tier=trigger.tier,
                types=rank_types([trigger, *others], sent.text),
                dates=date_candidates(sent, paragraph, root, published),
                locations=location_candidates(sent, root),
                actors1=actors1,
                actors2=actors2,
                claims=tuple(mine),
                paragraph=index,
            )
        )
    return mentions


def _nearest(position: int, hits: list[tuple[int, int, Trigger]]) -> tuple[int, int, Trigger]:
    return min(hits, key=lambda h: abs(h[0] - position))


def find_mentions(text: str, published: dt.date | None) -> Candidates:
    """Every sentence of ``text`` with a conflict trigger: a ``Mention``, or ``Rejected`` with the reason."""
    if all(_headline(line.strip()) for line in text.splitlines() if line.strip()):
        return Candidates(
            notes=("no line ends like a sentence (a list of headlines or captions?): nothing proposed",)
        )
    if not looks_english(text):
        return Candidates(
            notes=("the text does not read as English prose; the candidates strategy reads English only",)
        )
    doc = parse(text)
    bounds, paragraphs = _paragraph_of(doc)
    mentions: list[Mention] = []
    rejected: list[Rejected] = []
    read = 0
    for whole in doc.sents:
        sent = _trimmed(whole)
        if sent is None or len(sent.text) < 12 or "\n" in sent.text or _headline(sent.text):
            continue
        read += 1
        hits = find_triggers(sent.text)
        if not hits:
            continue
        index = _paragraph_index(bounds, sent.start_char)
        paragraph = paragraphs[index] if index < len(paragraphs) else sent
        found = _mentions(sent, hits, published, paragraph, index)
        if isinstance(found, Rejected):
            rejected.append(found)
        else:
            mentions.extend(found)
    notes: list[str] = []
    if read == 0:
        notes.append("no sentence found (a list of headlines or captions?): nothing proposed")
    elif not mentions:
        notes.append("no sentence reports a conflict event")
    return Candidates(tuple(mentions), tuple(rejected), tuple(notes))
