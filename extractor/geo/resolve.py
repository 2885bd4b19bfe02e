"""Resolve an article's toponyms together, from the text alone.

Each toponym's candidates are ranked first by their prior (``candidates.py``), then again with
what the rest of the article says: the countries its places, demonyms ("Kenyan police"), dateline
("KABUL, Afghanistan —") and headline point to; the admin1 units it names or its places lie in; and
the distance to the article's confidently placed toponyms. A candidate in the article's country,
in a province it names, or near its other places, rises. Every toponym gets the best candidate,
the runner-up and both scores (ambiguity is reported, not hidden); a toponym with no candidate
stays unresolved with ACLED geo_precision 3 and no coordinates: nothing is invented.

Time is linear in the number of toponyms: at most ``MAX_CANDIDATES`` per toponym, and distances
are measured only to the article's 30 most confident places, its anchors. The votes of the article's
toponyms, dateline and headline, and its anchors, are counted in ``votes.py``; the votes of its
register (words of American or British local institutions) in ``register.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from .abbreviations import abbreviated_units
from .candidates import Candidate, Mention, has_name, read_mention
from .gazetteer import ADMIN1, ADMIN2, PLACE, Gazetteer, Place, gazetteer
from .names import MODIFIER_WORDS
from .proximity import COMMA, contained_in, inside, supported
from .register import register_votes
from .votes import Context, Votes, count_votes, evidence, leading_country

__all__ = ["Context", "Resolution", "haversine_km", "resolve_places"]

_COUNTRY_AGREES: Final = 7.0
_ADMIN1_AGREES: Final = 2.5
_NEAR: Final = ((50.0, 1.5), (200.0, 0.75))
#: Per other toponym with a candidate near this one (``proximity.py``; at most two count).
_SUPPORTED: Final = 1.5
#: A place named right before ", <its province or country>" ("Paris, Tenn.", "London, Ontario"):
#: decisive, more than all else the article says.
_CONTAINED: Final = 20.0
_ROUNDS: Final = 2


@dataclass(frozen=True)
class Resolution:
    """A toponym resolved (or not) to a GeoNames entry.

    ``precision`` is ACLED's geo_precision: 1 the place itself; 2 a place near or part of the
    resolved one ("outskirts of X", "northern X") or a second-level unit; 3 a first-level unit,
    a country, a continent, a demonym, or nothing resolved. ``country_code`` is the resolved
    place's country; for a capitalised name the gazetteer does not know, it is the article's
    leading country when one leads (more evidence than any other; ``country_from`` says
    "article"), as a coder codes an unknown village to its country at precision 3.
    """

    start: int
    end: int
    text: str
    place: Place | None
    precision: int
    score: float | None = None
    runner_up: Place | None = None
    runner_up_score: float | None = None
    demonym: bool = False
    country_code: str | None = None  # ISO alpha-3: the place's, or the article's for an unresolved name
    country_name: str | None = None
    country_from: Literal["place", "article", "record"] | None = None
    matched: tuple[int, int] | None = None  # the words that named the resolved entry


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def _rescore(
    gaz: Gazetteer,
    mention: Mention,
    votes: Votes,
    container: int | None = None,
    support: dict[tuple[str, int], int] | None = None,
) -> None:
    own_country, own_cw, own_unit, own_aw = votes.own.get(mention.key, (-1, 0.0, -1, 0.0))
    total = (sum(votes.countries.values()) - own_cw) or 1.0  # the other toponyms' votes
    total_a1 = (sum(votes.admin1.values()) - own_aw) or 1.0
    for cand in mention.candidates:
        entry = cand.entry
        country = gaz.country[entry]
        unit = entry if gaz.kind[entry] == ADMIN1 else gaz.admin1[entry]
        c_votes = votes.countries[country] - (own_cw if country == own_country else 0.0)
        score = cand.prior + _COUNTRY_AGREES * max(c_votes, 0.0) / total
        if unit >= 0:
            a_votes = votes.admin1[unit] - (own_aw if unit == own_unit else 0.0)
            score += _ADMIN1_AGREES * max(a_votes, 0.0) / total_a1
        if container is not None and inside(gaz, entry, container):
            score += _CONTAINED
        if support:
            score += _SUPPORTED * support.get((mention.key, entry), 0)
        cand.score = score + _nearness(gaz, mention.key, entry, votes.anchors)
    mention.candidates.sort(key=lambda c: (-c.score, c.entry))


def _read_abbreviations(gaz: Gazetteer, text: str, mentions: Sequence[Mention], votes: Votes) -> None:
    """Dotted abbreviations ("Ala.", "S.C.") read as first-level units. Right after "<place>, " the
    abbreviation says where that place is: the unit one of the place's candidates lies in comes
    first ("NAPLES, Fla." in a story about Spain is Florida, where a Naples is, not a Spanish
    region whose letters fit); else, and elsewhere, a unit of the article's leading countries."""
    top = max(votes.countries.values(), default=0.0)
    leading = [c for c, v in votes.countries.items() if v >= top / 2]
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    for before, mention in zip([None, *ordered], ordered, strict=False):
        if not mention.abbreviation:
            continue
        units: list[int] = []
        if before is not None and before.candidates and COMMA.fullmatch(text, before.end, mention.start):
            places = [c.entry for c in before.candidates]
            countries = {gaz.country[e] for e in places}
            units = [
                u
                for u in abbreviated_units(gaz, mention.text, countries)
                if any(inside(gaz, e, u) for e in places)
            ]
        units = units or abbreviated_units(gaz, mention.text, leading)
        if units:
            prior = 10.0
            mention.candidates = [Candidate(u, prior - i, False, prior - i) for i, u in enumerate(units)]


def _nearness(gaz: Gazetteer, key: str, entry: int, anchors: list[tuple[str, int]]) -> float:
    if gaz.kind[entry] not in (PLACE, ADMIN2):
        return 0.0
    best = math.inf
    for other_key, other in anchors:
        if other_key != key and other != entry:
            best = min(best, haversine_km(gaz.lat[entry], gaz.lon[entry], gaz.lat[other], gaz.lon[other]))
    return next((bonus for km, bonus in _NEAR if best <= km), 0.0)


def _precision(gaz: Gazetteer, mention: Mention, entry: int) -> int:
    kind = gaz.kind[entry]
    if mention.demonym or kind not in (PLACE, ADMIN2):
        return 3
    return 1 if kind == PLACE and not mention.toponym.near else 2


def _resolution(gaz: Gazetteer, mention: Mention, leading: int | None) -> Resolution:
    if not mention.candidates:
        if leading is None or not has_name(mention.text):
            return Resolution(mention.start, mention.end, mention.text, None, 3)
        return Resolution(
            mention.start, mention.end, mention.text, None, 3,
            country_code=gaz.alpha3.get(leading), country_name=gaz.names[leading], country_from="article",
        )  # fmt: skip
    best: Candidate = mention.candidates[0]
    second = mention.candidates[1] if len(mention.candidates) > 1 else None
    place = gaz.place(best.entry)
    return Resolution(
        start=mention.start,
        end=mention.end,
        text=mention.text,
        place=place,
        precision=_precision(gaz, mention, best.entry),
        score=round(best.score, 3),
        runner_up=gaz.place(second.entry) if second else None,
        runner_up_score=round(second.score, 3) if second else None,
        demonym=mention.demonym,
        country_code=place.country_code,
        country_name=place.country_name,
        country_from="place" if place.country_code else None,
        matched=mention.matched or (mention.start, mention.end),
    )


def resolve_places(
    text: str, spans: Sequence[tuple[int, int]], context: Context | None = None
) -> list[Resolution]:
    """Resolve each ``text[start:end]`` toponym, together, in the order given.

    ``context`` adds the headline and countries already known (ISO alpha-3). The gazetteer is
    built on the first call in the process.
    """
    context = context or Context()
    gaz = gazetteer()
    mentions = [read_mention(gaz, text, max(0, s), min(len(text), e), fallback=True) for s, e in spans]
    weighted = [(m, 1.0) for m in mentions] + evidence(gaz, text, context)
    for m, _ in weighted:
        for c in m.candidates:
            c.score = c.prior
    support = supported(gaz, (m for m, _ in weighted))
    register = register_votes(gaz, text)
    for round_ in range(_ROUNDS):
        votes = count_votes(gaz, weighted, context, register)
        if round_ == 0:
            _read_abbreviations(gaz, text, mentions, votes)
        containers = contained_in(gaz, text, mentions)
        for i, (mention, _weight) in enumerate(weighted):
            if len(mention.candidates) > 1:
                _rescore(gaz, mention, votes, containers.get(i), support)
    final = count_votes(gaz, weighted, context, register)
    for mention in mentions:
        _drop_stray_modifier(gaz, mention, final)
    leading = leading_country(count_votes(gaz, weighted, context, register))
    return [_resolution(gaz, m, leading) for m in mentions]


def _drop_stray_modifier(gaz: Gazetteer, mention: Mention, votes: Votes) -> None:
    """A name made only of words that usually modify names ("West", "Central", "North West")
    names a region of a country the rest of the article is about, else nothing ("the West")."""
    if not mention.candidates or not set(mention.key.split()) <= MODIFIER_WORDS:
        return
    country = gaz.country[mention.candidates[0].entry]
    own_country, own_cw, _, _ = votes.own.get(mention.key, (-1, 0.0, -1, 0.0))
    if votes.countries.get(country, 0.0) - (own_cw if country == own_country else 0.0) <= 0:
        mention.candidates = []
