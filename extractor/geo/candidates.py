"""Candidates of one toponym: every gazetteer entry its words can name, with the prior that ranks them.

A toponym is read by ``parse_toponym`` ("Idlib province" -> Idlib, an admin unit); its keys are
looked up in order and the first key with entries gives the candidates (the whole words first, so
"North Darfur" is the province before "Darfur" is tried). Country abbreviations ("U.S.", "UK") are
matched case-sensitively; a country demonym or adjective ("Kenyan", "Iraqis") names its country.
A description with no capitalised word ("the border", "the capital") names nothing.

The prior, before any context: the kind of feature (a country before a province before a town of
the same name), the population (log10), whether the name is the entry's own or an alternate one,
and what the words say ("X province" favours units, "X town" places). A place that shares its
name with the unit it is the seat of ("Aleppo" the city in "Aleppo" the governorate) is the place,
unless the words name the unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Final

from .gazetteer import ADMIN1, ADMIN2, CONTINENT, COUNTRY, PLACE, Gazetteer
from .names import AdminHint, Toponym, fold, parse_toponym

__all__ = ["Candidate", "Mention", "has_name", "read_mention"]

#: Prior weight of each feature kind (added to log10 of the population).
_KIND_WEIGHT: Final = {CONTINENT: 4.0, COUNTRY: 4.0, ADMIN1: 2.0, ADMIN2: 0.5, PLACE: 0.0}
_OWN_NAME: Final = 0.7
_HINT: Final = 3.0
_SEAT: Final = 0.3
#: A country's capital is named far more often than its namesakes ("Washington", "Tripoli").
_CAPITAL: Final = 4.0
_ABBREVIATION = re.compile(r"^(?:[A-Z][a-z]{0,4}\.\s?){1,3}$")
_MAX_CODE: Final = 3
#: At most this many candidates per toponym, best prior first ("San José" names hundreds of places).
MAX_CANDIDATES: Final = 40


@dataclass
class Candidate:
    entry: int
    prior: float
    alternate: bool
    score: float = 0.0


@dataclass
class Mention:
    """One toponym of the text and its candidates (best prior first)."""

    start: int
    end: int
    text: str
    toponym: Toponym
    candidates: list[Candidate]
    demonym: bool = False
    abbreviation: bool = False  # "Ala.", "S.C.", "W.Va.": read against the article's countries

    @property
    def key(self) -> str:
        """The toponym's folded words: mentions with one key are one piece of evidence."""
        return self.toponym.keys[0] if self.toponym.keys else ""


def has_name(text: str) -> bool:
    """Whether ``text`` has a capitalised word or a letter of a script without case."""
    return any(ch.isupper() or (ch.isalpha() and not ch.islower() and not ch.isupper()) for ch in text)


def _demonym_country(gaz: Gazetteer, key: str) -> int | None:
    for form in (key, key[:-1] if key.endswith("s") else None, key[:-2] if key.endswith("es") else None):
        if form and form in gaz.demonyms:
            return gaz.demonyms[form]
    return None


def _prior(gaz: Gazetteer, entry: int, alternate: bool, toponym: Toponym) -> float:
    kind = gaz.kind[entry]
    score = _KIND_WEIGHT[kind] + math.log10(gaz.population[entry] + 10) + (0.0 if alternate else _OWN_NAME)
    if toponym.hint == "admin":
        score += _HINT if kind in (ADMIN1, ADMIN2) else -_HINT if kind == PLACE else 0.0
    elif toponym.hint == "city":
        score += _HINT if kind == PLACE else -_HINT
    return score


def _lift_seats(gaz: Gazetteer, ranked: list[Candidate], toponym: Toponym) -> None:
    """A place sharing its name with its own admin unit ("Aleppo" in "Aleppo" governorate) is put
    just above that unit, unless the words name the unit; other candidates are not affected."""
    if toponym.hint == "admin":
        return
    units = {c.entry: c.prior for c in ranked if gaz.kind[c.entry] in (ADMIN1, ADMIN2)}
    for cand in ranked:
        if gaz.kind[cand.entry] != PLACE:
            continue
        own = [units[u] for u in (gaz.admin1[cand.entry], gaz.admin2[cand.entry]) if u in units]
        if own:
            cand.prior = max(cand.prior, max(own) + _SEAT)


def _standing(gaz: Gazetteer, entry: int) -> float:
    """A national capital is the usual referent of its name ("Tripoli", "Washington")."""
    return _CAPITAL if gaz.capital_of(entry) else 0.0


def read_mention(gaz: Gazetteer, text: str, start: int, end: int, hint: AdminHint = "none") -> Mention:
    """The candidates of the toponym ``text[start:end]`` (none when it names nothing the gazetteer has).

    ``hint`` says what kind of place the position implies ("city" for a dateline's first name)
    when the words themselves do not.
    """
    words = text[start:end]
    toponym = parse_toponym(words)
    if toponym.hint == "none" and hint != "none":
        toponym = replace(toponym, hint=hint)
    mention = Mention(start, end, words, toponym, [])
    if not has_name(words) or not toponym.keys:
        return mention
    bare = words.strip().replace(".", "")
    mention.abbreviation = bool(_ABBREVIATION.match(words.strip())) or (
        bare.isupper() and bare.isalpha() and len(bare) <= _MAX_CODE
    )
    if bare in gaz.abbreviations:
        mention.candidates = [Candidate(gaz.abbreviations[bare], 10.0, False)]
        return mention
    if mention.abbreviation or (bare.isupper() and len(bare) <= _MAX_CODE):
        return mention  # "Ala.", "EU": abbreviations and codes are not names (see resolve.abbreviations)
    country = _demonym_country(gaz, fold(words))
    if country is not None:  # "Canadian" is Canada before it is Canadian County
        mention.demonym = True
        mention.candidates = [Candidate(country, 10.0, False)]
        return mention
    for key in toponym.keys:
        found = gaz.entries(key)
        if found:
            break
    else:
        return mention
    ranked = [Candidate(e, _prior(gaz, e, alt, toponym) + _standing(gaz, e), alt) for e, alt in found]
    _lift_seats(gaz, ranked, toponym)
    ranked.sort(key=lambda c: (-c.prior, c.entry))
    mention.candidates = ranked[:MAX_CANDIDATES]
    return mention
