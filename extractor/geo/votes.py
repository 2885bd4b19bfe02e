"""What the rest of an article says about where it is, as votes for the resolver.

Each distinct toponym (and the dateline and headline, ``evidence``) votes once for its best
candidate's country and first-level unit, weighted by how clearly that candidate leads
(``confidence``); its most confident places become the anchors that nearby candidates are scored
against. ``resolve.py`` rescores every toponym's candidates with these votes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from .candidates import Mention, read_mention
from .gazetteer import ADMIN1, ADMIN2, COUNTRY, PLACE, Gazetteer
from .names import dateline_spans

__all__ = ["Context", "Votes", "confidence", "count_votes", "evidence", "leading_country"]

#: The anchors: at most this many confident places, whose distance each candidate is scored by.
_ANCHORS: Final = 30
_TITLE_CITY: Final = 100_000
_CONFIDENT_MARGIN: Final = 1.0
_TITLE_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|al-|el-)?[A-Z][\w'’.-]*){0,3}")


@dataclass(frozen=True)
class Context:
    """What beyond the toponyms tells where the article is: its headline and countries already known."""

    title: str | None = None
    countries: tuple[str, ...] = ()  # ISO alpha-3 codes


def evidence(gaz: Gazetteer, text: str, context: Context) -> list[tuple[Mention, float]]:
    """Mentions outside the toponym list that still say where the article is, with their weight."""
    out: list[tuple[Mention, float]] = []
    for i, (start, end) in enumerate(dateline_spans(text)):
        out.append((read_mention(gaz, text, start, end, "city" if i == 0 else "none", fallback=True), 2.0))
    title = context.title or ""
    for run in _TITLE_RUN.finditer(title):
        # read for whole names only, without the fallback readings of a longer name by a known
        # name inside it: a headline capitalises every word ("Kenya Airways Adds Flights")
        mention = read_mention(gaz, title, *run.span())
        top = mention.candidates[0].entry if mention.candidates else -1
        if top < 0:
            continue
        # a headline's first word is capitalised whatever it is ("Man accused ..."): only a
        # country or province is taken from there; further on, a city of 100,000 too
        if gaz.kind[top] in (COUNTRY, ADMIN1) or (run.start() > 0 and gaz.population[top] >= _TITLE_CITY):
            out.append((mention, 1.0))
    return out


def confidence(gaz: Gazetteer, mention: Mention, *, same_country: bool = False) -> float:
    """1.0 when the best candidate leads the next by a clear margin, else 0.5. With
    ``same_country``, only candidates in another country compete: "Boone County" names one of
    several US counties, but surely the United States."""
    cands = mention.candidates
    if not cands:
        return 0.0
    country = gaz.country[cands[0].entry]
    rivals = [c for c in cands[1:] if not same_country or gaz.country[c.entry] != country]
    if not rivals:
        return 1.0
    return 1.0 if cands[0].score - rivals[0].score >= _CONFIDENT_MARGIN else 0.5


@dataclass
class Votes:
    """An article's country and admin1 votes (entry -> weight), its anchors, and each toponym's own
    votes (so that a toponym's rescoring can leave its own vote out)."""

    countries: defaultdict[int, float]
    admin1: defaultdict[int, float]
    anchors: list[tuple[str, int]]  # (toponym, entry): the most confident places, one per toponym
    own: dict[str, tuple[int, float, int, float]]  # toponym -> its own country and admin1 votes


def count_votes(
    gaz: Gazetteer,
    mentions: Sequence[tuple[Mention, float]],
    context: Context,
    register: Mapping[int, float] | None = None,
) -> Votes:
    """Each distinct toponym votes once (a name repeated ten times is one piece of evidence);
    ``register`` adds the votes of the article's words (``register.py``), country entry -> weight."""
    votes = Votes(defaultdict(float), defaultdict(float), [], {})
    for code in context.countries:
        if code in gaz.by_alpha3:
            votes.countries[gaz.by_alpha3[code]] += 2.0
    for country, weight in (register or {}).items():
        votes.countries[country] += weight
    confident: list[tuple[float, int, str, int]] = []
    for i, (mention, weight) in enumerate(mentions):
        if not mention.candidates:
            continue
        top = mention.candidates[0].entry
        w = weight * confidence(gaz, mention)
        kind = gaz.kind[top]
        c_w = weight * confidence(gaz, mention, same_country=True) * (2.0 if kind == COUNTRY else 1.0)
        country = gaz.country[top]
        unit, a_w = (top, w) if kind == ADMIN1 else (gaz.admin1[top], w * 0.5)
        if kind in (PLACE, ADMIN2):
            confident.append((w, i, mention.key, top))
        key = mention.key
        if key in votes.own and votes.own[key][1] >= c_w:
            continue
        old_country, old_cw, old_unit, old_aw = votes.own.get(key, (-1, 0.0, -1, 0.0))
        votes.countries[old_country] -= old_cw
        votes.admin1[old_unit] -= old_aw
        votes.countries[country] += c_w
        votes.admin1[unit] += a_w
        votes.own[key] = (country, c_w, unit, a_w)
    for counter in (votes.countries, votes.admin1):
        for k in [k for k, v in counter.items() if k < 0 or v <= 0]:
            del counter[k]
    confident.sort(key=lambda c: (-c[0], c[1]))
    seen: set[str] = set()
    for _, _, key, entry in confident:
        if key not in seen and len(votes.anchors) < _ANCHORS:
            seen.add(key)
            votes.anchors.append((key, entry))
    return votes


def leading_country(votes: Votes) -> int | None:
    """The country with the most evidence, None when none has any or two tie for the most."""
    ranked = sorted(votes.countries.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1]):
        return None
    return ranked[0][0]
