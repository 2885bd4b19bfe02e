"""Candidates of one toponym: every gazetteer entry its words can name, with the prior that ranks them.

A toponym is read by ``parse_toponym`` ("Idlib province" -> Idlib, an admin unit); its keys are
looked up in order and the first key with entries gives the candidates (the whole words first, so
"South Kordofan" is the province before "Kordofan" is tried). Country abbreviations ("U.S.", "UK") are
matched case-sensitively; a country demonym or adjective ("Kenyan", "Iraqis") names its country.
A description with no capitalised word ("the border", "the capital") names nothing.

When no key names anything, three readings remain. A region whose parts are a country's
first-level units named by a direction ("Kordofan", of "North Kordofan" and "South Kordofan") is in that
country (the country is its candidate). An adjective formed from a continent's, country's
or province's name names it ("European", "Californian", "North American": its ending taken off
and the name's put back). A longer name that the gazetteer does not know takes the largest name
inside it that it does know as a country, province, continent, demonym or city of at least
``INNER_MIN_POPULATION`` ("University of California", "Belfast Magistrates' Court", "US Federal
Reserve"), as near or part of it: streets and buildings named after small places stay unknown.

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
from .names import MODIFIER_WORDS, AdminHint, Toponym, fold, parse_toponym

__all__ = ["INNER_MIN_POPULATION", "MAX_CANDIDATES", "Candidate", "Mention", "has_name", "read_mention"]

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
#: A city named inside a longer unknown name stands for it from this population on.
INNER_MIN_POPULATION: Final = 100_000
#: Endings of adjectives formed from place names, and what to put back ("Asian" -> "Asia",
#: "European" -> "Europe", "Californian" -> "California", "Ohioan" -> "Ohio").
_ADJECTIVE_ENDINGS: Final = (("ian", "ia"), ("an", "a"), ("an", ""))
_LARGE: Final = frozenset({CONTINENT, COUNTRY, ADMIN1})
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_MAX_INNER_WORDS: Final = 8


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
    matched: tuple[int, int] | None = None  # the words that named the candidates, when not all

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
    just above that unit, unless the words name the unit; other candidates are not affected.

    The place must bear the name as its own, or be the unit's most populous place: a small town
    that merely lists the unit's name among its alternate names is not its seat.
    """
    if toponym.hint == "admin":
        return
    units = {c.entry: c.prior for c in ranked if gaz.kind[c.entry] in (ADMIN1, ADMIN2)}
    for cand in ranked:
        if gaz.kind[cand.entry] != PLACE:
            continue
        own = [
            units[u]
            for u in (gaz.admin1[cand.entry], gaz.admin2[cand.entry])
            if u in units and (not cand.alternate or gaz.largest_place(u) == cand.entry)
        ]
        if own:
            cand.prior = max(cand.prior, max(own) + _SEAT)


def _standing(gaz: Gazetteer, entry: int) -> float:
    """A national capital is the usual referent of its name ("Tripoli", "Washington")."""
    return _CAPITAL if gaz.capital_of(entry) else 0.0


def _adjective(gaz: Gazetteer, key: str, toponym: Toponym) -> list[Candidate]:
    """A continent, country or province an adjective names ("European" -> Europe), best first."""
    found: dict[int, Candidate] = {}
    for ending, name_end in _ADJECTIVE_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending) + 2:
            for entry, alt in gaz.entries(key[: -len(ending)] + name_end):
                if gaz.kind[entry] in _LARGE and entry not in found:
                    found[entry] = Candidate(entry, _prior(gaz, entry, alt, toponym), alt)
    return sorted(found.values(), key=lambda c: (-c.prior, c.entry))


def _inner(gaz: Gazetteer, text: str, start: int, end: int, hint: AdminHint) -> Mention | None:
    """The largest known name inside an unknown longer one ("Belfast Magistrates' Court").

    Read the way English compound names are: the place comes first ("Belfast Magistrates'
    Court", "US Federal Reserve"; modifier words may precede it, "North Africa") or after "of"
    ("Bank of Japan"); elsewhere a capitalised word is a person's name or says what the thing is
    ("Percy French Hotel", "Support Centre"), and a run of modifier words ("West", "Central")
    names nothing. A town or county must be named by its own name there, not an alternate one
    (GeoNames lists "Lake" for Lake County); a country's or province's alternates are curated.
    Longer runs first; among runs of one length, the one with the best prior.
    """
    words = [m.span() for m in _WORD.finditer(text, start, end)][:_MAX_INNER_WORDS]
    for size in range(min(3, len(words) - 1), 0, -1):
        found: list[Mention] = []
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            s, e = run[0][0], run[-1][1]
            before = [fold(text[a:b]) for a, b in words[:i]]
            first = all(w in MODIFIER_WORDS for w in before)  # "South Venezuela": Venezuela comes first
            if not all(text[a].isupper() for a, _ in run) or not (first or before[-1] == "of"):
                continue
            if all(fold(text[a:b]) in MODIFIER_WORDS for a, b in run):
                continue
            sub = read_mention(gaz, text, s, e, hint)
            if not sub.candidates and sub.toponym.keys:  # "European Central Bank"
                sub.candidates = _adjective(gaz, sub.toponym.keys[0], sub.toponym)
                sub.demonym = bool(sub.candidates)
            top = sub.candidates[0] if sub.candidates else None
            if top is None or (top.alternate and gaz.kind[top.entry] not in _LARGE):
                continue  # a town's alternate names are too loose for this ("Lake" names a county)
            if (
                sub.demonym
                or gaz.kind[top.entry] in _LARGE
                or gaz.population[top.entry] >= INNER_MIN_POPULATION
            ):
                found.append(sub)
        if found:
            return max(found, key=lambda m: (m.candidates[0].prior, -m.start))
    return None


def read_mention(
    gaz: Gazetteer, text: str, start: int, end: int, hint: AdminHint = "none", *, fallback: bool = False
) -> Mention:
    """The candidates of the toponym ``text[start:end]`` (none when it names nothing the gazetteer has).

    ``hint`` says what kind of place the position implies ("city" for a dateline's first name)
    when the words themselves do not. With ``fallback``, a name no key finds is read as an
    adjective of a place, then for a known name inside it (see the module's doc): the resolver
    asks for that; whether a span is a toponym at all is decided without it.
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
        region = gaz.region_country(toponym.keys[-1]) if fallback else -1
        if region >= 0:  # "Kordofan", of "North Kordofan" and "South Kordofan": in Sudan
            mention.candidates = [Candidate(region, _prior(gaz, region, True, toponym), True)]
            return mention
        adjective = _adjective(gaz, toponym.keys[0], toponym) if fallback else []
        if adjective:  # "European", "North American": the continent, as a demonym names its country
            mention.demonym = True
            mention.candidates = adjective[:MAX_CANDIDATES]
            return mention
        sub = _inner(gaz, text, start, end, hint) if fallback else None
        if sub is not None:  # "University of California": California, as a place near or part of it
            mention.toponym = replace(toponym, near=True)
            mention.candidates, mention.demonym = sub.candidates, sub.demonym
            mention.matched = (sub.start, sub.end)
        return mention
    if key == toponym.keys[0] and toponym.near:  # "North Carolina", "East London": the name itself
        mention.toponym = toponym = replace(toponym, near=False)
    ranked = [Candidate(e, _prior(gaz, e, alt, toponym) + _standing(gaz, e), alt) for e, alt in found]
    _lift_seats(gaz, ranked, toponym)
    ranked.sort(key=lambda c: (-c.prior, c.entry))
    mention.candidates = ranked[:MAX_CANDIDATES]
    return mention
