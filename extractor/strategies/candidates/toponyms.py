"""Toponyms of a text as spaCy's entity recogniser finds them, for the geoparser.

GPE, LOC and FAC entities are toponyms; a NORP entity is one when it is a country's demonym or
adjective ("Kenyan", "Iraqi": it names the country). A leading "the" is left out of the span.
"""

from __future__ import annotations

from typing import Final

from ...geo import demonym_country
from .nlp import parse

__all__ = ["PLACE_LABELS", "toponym_spans"]

PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})


def toponym_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every toponym spaCy's small English pipeline finds in ``text``, in order."""
    spans = []
    for ent in parse(text).ents:
        if ent.label_ not in PLACE_LABELS and not (ent.label_ == "NORP" and demonym_country(ent.text)):
            continue
        start, end = ent.start_char, ent.end_char
        if text[start:end].lower().startswith("the "):
            start += 4
        spans.append((start, end))
    return spans
