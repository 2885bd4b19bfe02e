"""Where the event happened: place names the event predicate locates ("in X", "near X"), nearest first.

A place entity (GPE or LOC) counts when it is the object of a locative preposition and hangs on
the predicate or its clause; one that only describes a person or an organisation ("the imam of
a mosque in X", "the mayor of X") or hangs on a reporting verb does not. A building or other
facility is not a place: the town it is in is. A country is named as written; a town's country is
the one the gazetteer implies (``places``), else a country named in the same clause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .lexicon import find_triggers
from .places import country_of_place, country_of_text
from .reporting import REPORTING
from .spans import entities, words

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["location_candidates"]

_PLACE_LABELS: Final = frozenset({"GPE", "LOC"})
_LOCATIVE: Final = frozenset(
    {"in", "near", "at", "outside", "inside", "around", "across", "into", "on", "throughout", "within",
     "along", "towards", "toward", "over", "north", "south", "east", "west", "from", "of"}
)  # fmt: skip
_OWNERS: Final = frozenset({"PERSON", "ORG", "NORP"})
#: Verbs after which "on X" / "at X" names who is blamed or addressed, not where ("blamed on X").
_ATTRIBUTION: Final = frozenset(
    {"blame", "pin", "accuse", "call", "urge", "impose", "focus", "rely", "depend"}
)
_CLAUSES: Final = frozenset({"ccomp", "advcl", "relcl", "xcomp", "conj", "parataxis", "csubj"})
_LIMIT: Final = 3


def _rank(ent: SpacySpan, predicate: Token, clause: Token) -> int | None:
    """0 on the predicate, 1 in its clause, 2 elsewhere in the sentence; ``None``: not where it happened."""
    node = ent.root
    while node.dep_ in {"conj", "appos", "compound", "poss", "nmod"} and node.head.i != node.i:
        node = node.head  # "on Paris' main boulevard": the town that owns the street
    if node.dep_ != "pobj" or node.head.lower_ not in _LOCATIVE:
        return None
    prep = node.head
    attached = prep.head
    if attached.pos_ == "VERB" and attached.lemma_.lower() in _ATTRIBUTION | REPORTING:
        return None
    if prep.lower_ == "of" and attached.pos_ not in {"NOUN"}:
        return None
    if attached.ent_type_ in _OWNERS or (attached.pos_ == "PROPN" and attached.i != predicate.i):
        return None  # "the mayor of X", "a spokesman in X": describes someone, not where
    walk = attached
    for _ in range(12):
        if walk == predicate:
            return 0
        if walk == clause:
            return 1
        if walk.pos_ in {"VERB", "AUX"} and walk.lemma_.lower() in REPORTING:
            return None
        if walk.head.i == walk.i or (walk.dep_ in _CLAUSES and walk.pos_ in {"VERB", "AUX"}):
            break
        walk = walk.head
    if prep.lower_ == "of" or (attached.pos_ not in {"VERB", "AUX"} and not find_triggers(attached.text)):
        return None  # elsewhere in the sentence: only where a verb or an event happened ("a role in X": no)
    return 2


def location_candidates(
    sentence: SpacySpan, predicate: Token, clause: Token
) -> tuple[tuple[str, str | None], ...]:
    """(country as written, or the one a place implies; place or ``None``), best first."""
    places = [e for e in entities(sentence) if e.label_ in _PLACE_LABELS]
    ranked = sorted(
        (
            (rank, abs(e.start - predicate.i), e)
            for e in places
            if (rank := _rank(e, predicate, clause)) is not None
        ),
        key=lambda item: (item[0], item[1]),
    )
    countries = [(e.start, words(e)) for _r, _d, e in ranked if country_of_text(e.text)]
    out: list[tuple[str, str | None]] = []
    for _rank_value, _distance, ent in ranked:
        if country_of_text(ent.text):
            candidate: tuple[str, str | None] = (words(ent), None)
        else:
            implied = country_of_place(ent.text)
            nearest = min(countries, key=lambda c: abs(c[0] - ent.start))[1] if countries else ""
            candidate = (implied or nearest, words(ent))
        if candidate not in out:
            out.append(candidate)
    named = {country_of_text(c) or c for c, p in out if p}
    out = [c for c in out if c[1] is not None or (country_of_text(c[0]) or c[0]) not in named]
    return tuple(out[:_LIMIT])
