"""Places of one article lie near or in each other: a candidate's support from the other toponyms,
and the unit a place is named in ("Paris, Tenn.": ``contained_in``).

A candidate of a local name (one whose likeliest reading is a town or a second-level unit, not a
country or province) gains when other toponyms of the article have a candidate within
``NEAR_KM`` of it, whatever their own best reading is: "New London", "Mount Pleasant" and
"Winfield" in one story are the three neighbouring towns, though each name alone would be read as
its most populous namesake. A namesake a hundred times smaller than the likeliest one
(``PRIOR_GAP``, the prior being log10 of the population) gains nothing: a cluster of small
namesakes does not beat a city.

Candidates are hashed into grid cells of half a degree, so each looks only at its own cell and
the eight around it, and stops counting at ``MAX_SUPPORT`` toponyms: linear in the mentions.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

from .candidates import Mention
from .gazetteer import ADMIN1, ADMIN2, COUNTRY, PLACE, Gazetteer

__all__ = ["COMMA", "MAX_SUPPORT", "NEAR_KM", "PRIOR_GAP", "contained_in", "inside", "supported"]

NEAR_KM: Final = 50.0
PRIOR_GAP: Final = 2.0
MAX_SUPPORT: Final = 2
_TOP: Final = 20  # candidates per toponym considered, best prior first
_CELL: Final = 0.5  # degrees
_LOCAL: Final = frozenset({PLACE, ADMIN2})
COMMA = re.compile(r"\s*,\s*")


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL), math.floor(lon / _CELL)


def _km(gaz: Gazetteer, a: int, b: int) -> float:
    p = math.pi / 180
    h = (
        math.sin((gaz.lat[b] - gaz.lat[a]) * p / 2) ** 2
        + math.cos(gaz.lat[a] * p)
        * math.cos(gaz.lat[b] * p)
        * math.sin((gaz.lon[b] - gaz.lon[a]) * p / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def supported(gaz: Gazetteer, mentions: Iterable[Mention]) -> dict[tuple[str, int], int]:
    """(toponym key, candidate entry) -> how many other toponyms have a candidate near it (at most
    ``MAX_SUPPORT``), for the candidates of local names within ``PRIOR_GAP`` of their best."""
    grid: defaultdict[tuple[int, int], defaultdict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    asked: dict[str, list[int]] = {}  # the candidates whose support is wanted, per toponym key
    seen: set[str] = set()
    for mention in mentions:
        if mention.key in seen or not mention.candidates:
            continue
        seen.add(mention.key)
        ranked = sorted(mention.candidates, key=lambda c: (-c.prior, c.entry))[:_TOP]
        for cand in ranked:
            if gaz.kind[cand.entry] in _LOCAL:
                grid[_cell(gaz.lat[cand.entry], gaz.lon[cand.entry])][mention.key].append(cand.entry)
        if gaz.kind[ranked[0].entry] in _LOCAL:
            floor = ranked[0].prior - PRIOR_GAP
            asked[mention.key] = [c.entry for c in ranked if gaz.kind[c.entry] in _LOCAL and c.prior >= floor]
    out = {}
    for key, entries in asked.items():
        for entry in entries:
            support = _support(gaz, grid, key, entry)
            if support:
                out[(key, entry)] = support
    return out


def _support(
    gaz: Gazetteer, grid: defaultdict[tuple[int, int], defaultdict[str, list[int]]], key: str, entry: int
) -> int:
    found: set[str] = set()
    row, col = _cell(gaz.lat[entry], gaz.lon[entry])
    for r in (row - 1, row, row + 1):
        for c in (col - 1, col, col + 1):
            for other, entries in grid.get((r, c), {}).items():
                if other == key or other in found:
                    continue
                if any(_km(gaz, entry, e) <= NEAR_KM for e in entries):
                    found.add(other)
                    if len(found) >= MAX_SUPPORT:
                        return len(found)
    return len(found)


def contained_in(gaz: Gazetteer, text: str, mentions: Sequence[Mention]) -> dict[int, int]:
    """Mention index -> the province or country named right after it, after a comma
    ("Paris, Tenn.", "Richmond, Virginia"): the place is in it, whatever else the article says.
    Not when both names are first of one kind ("Iraq, Iran", "Texas, Arizona"): that is a list."""
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, mentions[i].end))
    out = {}
    for a, b in itertools.pairwise(order):
        first, then = mentions[a], mentions[b]
        if not first.candidates or not then.candidates or not COMMA.fullmatch(text, first.end, then.start):
            continue
        container = then.candidates[0].entry
        named = max(first.candidates, key=lambda c: c.prior).entry
        if gaz.kind[container] in (COUNTRY, ADMIN1, ADMIN2) and gaz.kind[named] != gaz.kind[container]:
            out[a] = container  # "Iraq, Iran" and "Texas, Arizona" are lists of peers
    return out


def inside(gaz: Gazetteer, entry: int, container: int) -> bool:
    """Whether ``entry`` lies in the country, admin1 or admin2 unit ``container``."""
    if entry == container:
        return False
    kind = gaz.kind[container]
    unit = gaz.country if kind == COUNTRY else gaz.admin1 if kind == ADMIN1 else gaz.admin2
    return unit[entry] == container
