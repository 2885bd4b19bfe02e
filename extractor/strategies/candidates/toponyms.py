"""Toponyms of a text as spaCy's entity recogniser and the gazetteer find them, for the geoparser.

* GPE and LOC entities are toponyms when the gazetteer has a candidate for them or they are
  abbreviations it reads in context ("Ala.", "S.C."); a leading "the" is left out (measured on
  the development set: most GPE/LOC entities the gazetteer does not know are people's names);
* a NORP entity is one when it is a country's demonym or adjective ("Kenyan": it names Kenya), not
  a plural for its people ("Kenyans"; measured on the development set, GeoWebNews and TR-News do
  not count those, LGL does);
* a FAC entity only when the gazetteer knows it (most named buildings and streets are not in it);
* inside an ORG or FAC entity, a run of one to three capitalised words that the gazetteer knows
  as a country, a first-level unit, a demonym or a place of at least ``EMBEDDED_MIN_POPULATION``
  inhabitants is a toponym too ("University of Cincinnati", "Kentucky Department of Education");
* a dateline's place ("BEIRUT, Lebanon —", "COLUMBUS (AP) —") is one, whatever the tagger said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ...geo import demonym_country, fold, gazetteer
from ...geo.candidates import read_mention
from ...geo.names import dateline_spans
from .nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

__all__ = ["EMBEDDED_MIN_POPULATION", "PLACE_LABELS", "toponym_spans"]

PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})
EMBEDDED_MIN_POPULATION: Final = 100_000
_EMBEDDING_LABELS: Final = frozenset({"ORG", "FAC"})
_MAX_WORDS: Final = 3


def _known(words: str, min_population: int = 0, kinds: tuple[int, ...] = (1, 2, 3)) -> bool:
    """Whether the gazetteer knows ``words`` as a country or admin unit (``kinds``), a place of at
    least ``min_population`` inhabitants, or a country's demonym."""
    gaz = gazetteer()
    return (
        any(
            gaz.kind[e] in kinds or (gaz.kind[e] == 4 and gaz.population[e] >= min_population)
            for e, _ in gaz.entries(fold(words))
        )
        or demonym_country(words) is not None
    )


def _adjective(words: str) -> bool:
    """A country's demonym used as an adjective ("Kenyan police"), not as a plural noun for its
    people ("Kenyans"): the people are not a place."""
    return fold(words) in gazetteer().demonyms


def _resolvable(text: str, start: int, end: int, label: str) -> bool:
    if label == "FAC":
        return _known(text[start:end])
    mention = read_mention(gazetteer(), text, start, end)
    return bool(mention.candidates) or mention.abbreviation


def _embedded(ent: SpacySpan) -> list[tuple[int, int]]:
    """Known names inside an organisation or facility name, longest first, not overlapping."""
    tokens = [t for t in ent if t.text[:1].isupper()]
    found: list[tuple[int, int]] = []
    taken: set[int] = set()
    for size in range(_MAX_WORDS, 0, -1):
        for i in range(len(tokens) - size + 1):
            run = tokens[i : i + size]
            if any(t.i in taken for t in run) or run[-1].i - run[0].i != size - 1:
                continue
            start, end = run[0].idx, run[-1].idx + len(run[-1].text)
            if _known(ent.doc.text[start:end], EMBEDDED_MIN_POPULATION, kinds=(1, 2)):
                found.append((start, end))
                taken.update(t.i for t in run)
    return found


def toponym_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every toponym found in ``text``, in text order, without duplicates."""
    spans: set[tuple[int, int]] = set()
    for ent in parse(text).ents:
        start, end = ent.start_char, ent.end_char
        if ent.label_ in PLACE_LABELS or (ent.label_ == "NORP" and _adjective(ent.text)):
            if text[start:end].lower().startswith("the "):
                start += 4
            if ent.label_ == "NORP" or _resolvable(text, start, end, ent.label_):
                spans.add((start, end))
                continue
        if ent.label_ in _EMBEDDING_LABELS:
            spans.update(_embedded(ent))
    spans.update(dateline_spans(text))
    ordered = sorted(spans)
    return [s for i, s in enumerate(ordered) if not (i and s[0] < ordered[i - 1][1])]
