"""Event identity inside an article: mentions of one real event become one mention with all its evidence.

Two mentions are of the same event when nothing tells them apart:

* their types are of one family: the same ACLED event type, protests and riots together, or one
  of them names only generic violence ("killed", "the attack") and the other any violent type;
  two different named modes or kinds ("airstrikes", "a rocket barrage") are two events;
* their dates agree (equal, or one period inside the other);
* their countries are not disjoint; and the parties are not reversed (a retaliation is its own event).

Dated mentions are clustered first, in text order, each joining the earliest compatible cluster.
An undated mention ("The attack left ...", "the strikes were condemned") then joins the compatible
cluster of its own sub-event type if there is one, else any compatible one, preferring the nearest
before it. What is left undated is dated by the story (``undated``). The strongest mention's type
decides; candidates are united, own arguments first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Final, TypeVar

from ...derive.acled import acled_categories
from ...derive.countries import resolve_country
from ...derive.dates import resolve_date
from ...derive.names import names_match
from ...derive.periods import date_agrees
from .lexicon import GENERIC
from .mentions import Mention
from .when import DATE_SOURCES, WEAK_SOURCES

__all__ = ["merge_mentions", "same_event"]

_VIOLENT: Final = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
_CROWDS: Final = frozenset({"Protests", "Riots"})
_LIMITS: Final = {"evidence": 8, "types": 4, "dates": 3, "places": 3, "actors": 4, "claims": 8}
_T = TypeVar("_T")


@functools.lru_cache(maxsize=4096)
def _resolved(text: str, published: dt.date | None) -> str | None:
    return resolve_date(text, published).value


def _date_value(mention: Mention, published: dt.date | None) -> str | None:
    return _resolved(mention.dates[0], published) if mention.dates else None


@functools.lru_cache(maxsize=4096)
def _country_code(written: str) -> str:
    return resolve_country(written)[1] or written.casefold()


def _countries(mention: Mention) -> set[str]:
    return {_country_code(country) for country, _ in mention.locations if country}


def _family(mention: Mention) -> str:
    return acled_categories(mention.types[0])[0]


def _types_agree(a: Mention, b: Mention) -> bool:
    if a.types[0] == b.types[0]:
        return True
    fa, fb = _family(a), _family(b)
    if GENERIC in (a.tier, b.tier) and fa in _VIOLENT and fb in _VIOLENT:
        return True  # "killed", "the attack": the violent event the other mention names
    if fa in _CROWDS and fb in _CROWDS:
        return True
    return fa == fb and (a.tier >= GENERIC or b.tier >= GENERIC)


def _own(mention: Mention, which: int) -> str | None:
    actors = mention.actors1 if which == 0 else mention.actors2
    return actors[0] if mention.roles[which] and actors else None


def _reversed(a: Mention, b: Mention) -> bool:
    """The parties swap sides: one's actor1 is the other's actor2 (a retaliation, a response)."""
    a1, a2, b1, b2 = _own(a, 0), _own(a, 1), _own(b, 0), _own(b, 1)
    if a1 is None or a2 is None or b1 is None or b2 is None:
        return False  # a side not named: nothing says they swap
    return names_match(a1, b2) and names_match(b1, a2) and not names_match(a1, b1)


def _strong_date(mention: Mention, published: dt.date | None) -> str | None:
    """The mention's date when it hangs on the event (not a report's or a paragraph's date)."""
    return None if mention.date_source in WEAK_SOURCES else _date_value(mention, published)


def same_event(a: Mention, b: Mention, published: dt.date | None) -> bool:
    """Whether ``a`` and ``b`` can be mentions of one event (see the module docstring)."""
    if not _types_agree(a, b) or _reversed(a, b):
        return False
    da, db = _strong_date(a, published), _strong_date(b, published)
    if da and db and not date_agrees(da, db):
        return False
    ca, cb = _countries(a), _countries(b)
    return not (ca and cb and not ca & cb)


def _union(first: Sequence[_T], second: Sequence[_T], limit: int) -> tuple[_T, ...]:
    out: list[_T] = []
    for item in (*first, *second):
        if item not in out:
            out.append(item)
    return tuple(out[:limit])


def _actors(a: tuple[str, ...], own_a: int, b: tuple[str, ...], own_b: int) -> tuple[tuple[str, ...], int]:
    """Both mentions' candidates: own arguments first (their count), then the other options."""
    own = _union(a[:own_a], b[:own_b], _LIMITS["actors"])
    return _union(own, (*a[own_a:], *b[own_b:]), _LIMITS["actors"]), len(own)


def _date_rank(mention: Mention) -> int:
    if mention.date_source is None:
        return len(DATE_SOURCES)
    return DATE_SOURCES.index(mention.date_source)


def join(a: Mention, b: Mention) -> Mention:
    """One mention of the event ``a`` and ``b`` both mention."""
    strong, weak = (a, b) if a.tier <= b.tier else (b, a)
    dated, other = (a, b) if _date_rank(a) <= _date_rank(b) else (b, a)
    actors1, own1 = _actors(a.actors1, a.roles[0], b.actors1, b.roles[0])
    actors2, own2 = _actors(a.actors2, a.roles[1], b.actors2, b.roles[1])
    first, second = (a, b) if a.start <= b.start else (b, a)
    return dataclasses.replace(
        first,
        evidence=_union(first.evidence, second.evidence, _LIMITS["evidence"]),
        trigger=strong.trigger,
        tier=strong.tier,
        types=_union(strong.types, weak.types, _LIMITS["types"]),
        dates=_union(dated.dates, other.dates, _LIMITS["dates"]),
        date_source=dated.date_source,
        date_precision=dated.date_precision,
        locations=_union(first.locations, second.locations, _LIMITS["places"]),
        actors1=actors1,
        actors2=actors2,
        roles=(own1, own2),
        claims=_union(first.claims, second.claims, _LIMITS["claims"]),
        detentions=_union(first.detentions, second.detentions, _LIMITS["claims"]),
        anchored=first.anchored,
        positions=tuple(sorted({*a.positions, *b.positions})),
        lead=a.lead or b.lead,
        past=a.past or b.past,
    )


def _may_join(mention: Mention, cluster: Mention) -> bool:
    """An undated mention joins an event of its own sub-event type, or of its family when it names no mode."""
    if mention.tier >= GENERIC or cluster.types[0] == mention.types[0]:
        return True
    return _family(mention) in _CROWDS and _family(cluster) in _CROWDS


def _last_before(cluster: Mention, offset: int) -> int:
    return max(p for p in (*cluster.positions, cluster.start) if p <= offset)


def _host(mention: Mention, clusters: list[Mention], published: dt.date | None) -> int | None:
    """The cluster an undated mention joins: its own sub-event type first, then the nearest before it.

    An undated mention that names its own mode or kind ("a shootout") joins only an event of that
    sub-event type: told after another event, it is a new event (``_anchored_to``).
    """
    fits = [j for j, c in enumerate(clusters) if same_event(c, mention, published) and _may_join(mention, c)]
    if not fits:
        return None
    before = [j for j in fits if clusters[j].start <= mention.start]
    if not before:
        # an undated mention refers back to an event told before it; a lead sums up what follows
        return min(fits, key=lambda j: clusters[j].start) if mention.lead else None
    typed = [j for j in before if clusters[j].types[0] == mention.types[0]] or before
    # the event told last before it (a toll after its attack, "the strikes" after the strikes)
    return max(typed, key=lambda j: _last_before(clusters[j], mention.start))


def _before(mention: Mention, clusters: list[Mention]) -> Mention | None:
    """The dated event last told before ``mention`` (by its latest mention before it)."""
    dated = [c for c in clusters if c.start < mention.start and c.dates and c.date_source not in WEAK_SOURCES]
    if not dated:
        return None
    return max(dated, key=lambda c: max(p for p in (*c.positions, c.start) if p < mention.start))


def _anchored_to(mention: Mention, host: Mention) -> Mention:
    """A later event told relative to ``host`` ("was later shot dead at a checkpoint"): on host's day."""
    return dataclasses.replace(
        mention,
        dates=host.dates[:1],
        date_source="anchor",
        date_precision=host.date_precision,
    )


def merge_mentions(
    mentions: Sequence[Mention], published: dt.date | None, dropped: list[Mention] | None = None
) -> tuple[Mention, ...]:
    """``mentions`` with mentions of the same event merged (see the module docstring), in text order.

    With a publication date, a mention left with no date (not joined to any event of the article)
    is not an event the article dates (guideline 3.7): it is appended to ``dropped``, unless it is
    in the story's lead and names its mode or kind ("US conducts strikes ...", with no day given):
    a story leads with the news of its day, so it is dated on the publication day (``publication``).
    Without a publication date relative dates cannot resolve, so undated mentions are kept.
    """
    dropped = [] if dropped is None else dropped
    clusters: list[Mention] = []
    undated: list[Mention] = []
    for mention in mentions:
        if _date_value(mention, published) is None or mention.date_source in WEAK_SOURCES:
            undated.append(mention)
            continue
        j = next((j for j, c in enumerate(clusters) if same_event(c, mention, published)), None)
        if j is None:
            clusters.append(mention)
        else:
            clusters[j] = join(clusters[j], mention)
    anchored: list[Mention] = []
    for mention in undated:
        j = _host(mention, clusters, published)
        if j is not None:
            clusters[j] = join(clusters[j], mention)
        elif mention.anchored and (before := _before(mention, clusters)) is not None:
            anchored.append(_anchored_to(mention, before))
        elif mention.date_source in WEAK_SOURCES or published is None:
            clusters.append(mention)
        elif mention.lead and mention.past and mention.tier < GENERIC:
            clusters.append(dataclasses.replace(mention, date_source="publication", dates=()))
        else:
            dropped.append(mention)
    for mention in anchored:
        j = next(
            (
                j
                for j, c in enumerate(clusters)
                if c.date_source == "anchor" and same_event(c, mention, published)
            ),
            None,
        )
        if j is None:
            clusters.append(mention)
        else:
            clusters[j] = join(clusters[j], mention)
    return tuple(sorted(clusters, key=lambda m: m.start))
