"""Abbreviated admin1 names ("Ala.", "S.C.", "W.Va.", "Ont.") read against the article's countries.

A dotted abbreviation names a first-level unit of a country the article is about when its parts
match the unit's words: one part per word ("of" and the like skipped), each a subsequence of the
word that starts with the word's first letter ("W.Va." -> West Virginia), or a single part
matching the whole name that way ("Fla." -> Florida, "Tenn." -> Tennessee). When several units
of those countries match ("Ala." fits Alabama and Alaska), the most populous is taken and the
others are its runners-up. Capitals without dots ("TX", "BC") are read as ISO 3166-2 codes.
Nothing is matched without a country: the same letters mean different units in different countries.
"""

from __future__ import annotations

from collections.abc import Iterable

from .gazetteer import Gazetteer
from .names import fold

__all__ = ["abbreviated_units"]


def _subsequence(part: str, word: str) -> bool:
    if not part or not word or part[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in part[1:])


_SKIPPED = frozenset({"of", "and", "the", "de", "du", "des", "la", "le"})


def _fits(parts: list[str], name: str) -> bool:
    words = [w for w in name.split() if w not in _SKIPPED]
    if len(parts) == len(words) and all(_subsequence(p, w) for p, w in zip(parts, words, strict=True)):
        return True
    return len(parts) == 1 and len(parts[0]) >= 2 and _subsequence(parts[0], name.replace(" ", ""))


def abbreviated_units(gaz: Gazetteer, text: str, countries: Iterable[int]) -> list[int]:
    """Admin1 entries of ``countries`` that the abbreviation ``text`` fits, most populous first.

    Capitals without dots ("TX", "BC") are read as the units' ISO 3166-2 codes instead.
    """
    countries = list(countries)
    if text.isupper() and text.isalpha():
        coded = {gaz.unit_codes[(c, text)] for c in countries if (c, text) in gaz.unit_codes}
        return sorted(coded, key=lambda u: (-gaz.population[u], u))
    parts = [fold(p) for p in text.replace(" ", "").split(".") if p]
    if not parts:
        return []
    found = {
        unit for country in countries for unit in gaz.units_of(country) if _fits(parts, fold(gaz.names[unit]))
    }
    return sorted(found, key=lambda u: (-gaz.population[u], u))
