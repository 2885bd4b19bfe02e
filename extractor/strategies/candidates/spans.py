"""Parsed spans as the article's own words, entities by position, and compact noun phrases.

The parser reads ``layout.prepare``'s reading of the article; ``words`` maps any token or span
back to the original characters, so every candidate is a verbatim span of the article.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Final

from .layout import Prepared

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

__all__ = ["PREPARED", "entities", "entity_of", "offsets", "phrase", "phrase_span", "words"]

#: Key of the ``Prepared`` reading in ``Doc.user_data``.
PREPARED: Final = "extractor_prepared"
_MODIFIERS: Final = frozenset({"compound", "amod", "nmod", "poss", "nummod", "quantmod", "case"})
_MAX_PHRASE_TOKENS: Final = 8


def _prepared(doc: Doc) -> Prepared | None:
    found = doc.user_data.get(PREPARED)
    return found if isinstance(found, Prepared) else None


def offsets(item: SpacySpan | Token) -> tuple[int, int]:
    """The original article offsets of a token or span."""
    start = item.idx if hasattr(item, "idx") else item.start_char
    end = start + len(item.text) if hasattr(item, "idx") else item.end_char
    prepared = _prepared(item.doc)
    return (start, end) if prepared is None else prepared.original_span(start, end)


def words(item: SpacySpan | Token) -> str:
    """The article's own words for a token or span."""
    prepared = _prepared(item.doc)
    if prepared is None:
        return item.text
    start, end = offsets(item)
    return prepared.original[start:end]


def entities(span: SpacySpan) -> list[SpacySpan]:
    """The entities inside ``span``, from an index built once per document.

    ``Span.ents`` scans every entity of the document on each call, which would make an article
    quadratic in its length; the index keeps it linear.
    """
    doc = span.doc
    starts, ents = _index(doc)
    first = bisect.bisect_left(starts, span.start)
    last = bisect.bisect_left(starts, span.end)
    return [e for e in ents[first:last] if e.end <= span.end]


def _index(doc: Doc) -> tuple[list[int], list[SpacySpan]]:
    index = doc.user_data.get("extractor_ents")
    if index is None:
        ents = list(doc.ents)
        index = ([e.start for e in ents], ents)
        doc.user_data["extractor_ents"] = index
    return index


def entity_of(token: Token) -> SpacySpan | None:
    """The entity ``token`` belongs to, if any."""
    if not token.ent_type_:
        return None
    starts, ents = _index(token.doc)
    j = bisect.bisect_right(starts, token.i) - 1
    if j >= 0 and ents[j].start <= token.i < ents[j].end:
        return ents[j]
    return None


def phrase_span(token: Token) -> SpacySpan:
    """The compact noun phrase headed by ``token``: its modifiers before it, "the" but no other determiner.

    A name is taken whole (the entity the token belongs to).
    """
    doc = token.doc
    entity = entity_of(token)
    start = token.i
    for child in token.lefts:
        if child.dep_ in _MODIFIERS and child.pos_ != "NUM":
            start = min(start, child.left_edge.i)
    if token.i - start + 1 > _MAX_PHRASE_TOKENS:
        start = token.i
    while start < token.i and (doc[start].dep_ == "case" or doc[start].is_punct):
        start += 1
    if start > 0 and start == token.left_edge.i + 1 and doc[start - 1].lower_ == "the":
        start -= 1  # "the army": the article's own words, and unambiguous to locate
    end = token.i + 1
    if entity is not None and entity.label_ not in {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY"}:
        start, end = min(start, entity.start), max(end, entity.end)
    return doc[start:end]


def phrase(token: Token) -> str:
    """``phrase_span`` in the article's own words."""
    return words(phrase_span(token)).strip()
