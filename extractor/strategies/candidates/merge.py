"""Mentions of the same event within one article are merged, keeping every evidence span.

A mention joins an earlier one of the same paragraph or the next when nothing tells them apart:
the same ACLED event type (or the later one names no mode or kind at all, as a follow-up
sentence with the toll does), dates that resolve alike (or one has none), and places that agree
(or one has none). The stronger mention's type decides; candidates are united, nearest first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Final, TypeVar

from ...derive.acled import acled_categories
from ...derive.dates import resolve_date
from .lexicon import GENERIC
from .mentions import Mention

__all__ = ["merge_mentions"]

_PARAGRAPH_REACH: Final = 1
_T = TypeVar("_T")


@functools.lru_cache(maxsize=4096)
def _resolved(text: str, published: dt.date | None) -> str | None:
    return resolve_date(text, published).value


def _date_value(mention: Mention, published: dt.date | None) -> str | None:
    return _resolved(mention.dates[0], published) if mention.dates else None


def _countries(mention: Mention) -> set[str]:
    return {country for country, _ in mention.locations if country}


def _compatible(a: Mention, b: Mention, published: dt.date | None) -> bool:
    if b.paragraph - a.paragraph > _PARAGRAPH_REACH:
        return False
    if b.tier != GENERIC and a.types[0] != b.types[0]:
        return False  # a named mode, kind or development is its own event
    if acled_categories(a.types[0])[0] != acled_categories(b.types[0])[0] and a.tier < GENERIC:
        return False
    da, db = _date_value(a, published), _date_value(b, published)
    if da and db and da != db:
        return False
    ca, cb = _countries(a), _countries(b)
    return not (ca and cb and not ca & cb)


def _union(first: Sequence[_T], second: Sequence[_T], limit: int) -> tuple[_T, ...]:
    out: list[_T] = []
    for item in (*first, *second):
        if item not in out:
            out.append(item)
    return tuple(out[:limit])


def _join(a: Mention, b: Mention) -> Mention:
    strong, weak = (a, b) if a.tier <= b.tier else (b, a)
    return dataclasses.replace(
        a,
        evidence=_union(a.evidence, b.evidence, 8),
        trigger=strong.trigger,
        tier=strong.tier,
        types=_union(strong.types, weak.types, 4),
        dates=_union(a.dates, b.dates, 3),
        locations=_union(a.locations, b.locations, 3),
        actors1=_union(a.actors1, b.actors1, 4),
        actors2=_union(a.actors2, b.actors2, 4),
        claims=_union(a.claims, b.claims, 8),
        paragraph=b.paragraph,
    )


def _same_event(a: Mention, b: Mention, published: dt.date | None) -> bool:
    """Anywhere in the article: the same sub-event type, and dates and places that agree.

    A later mention that names no mode or kind ("Friday's attack") is the earlier event of that date.
    """
    if a.types[0] != b.types[0] and b.tier != GENERIC:
        return False
    da, db = _date_value(a, published), _date_value(b, published)
    if a.types[0] != b.types[0] and not (da and da == db):
        return False
    if da and db and da != db:
        return False
    ca, cb = _countries(a), _countries(b)
    return not (ca and cb and not ca & cb)


def merge_mentions(mentions: Sequence[Mention], published: dt.date | None) -> tuple[Mention, ...]:
    """``mentions`` (in text order) with mentions of the same event merged into the earlier one.

    A mention joins the previous one when they are close and compatible (``_compatible``), else
    the first earlier mention of the same sub-event type whose date and places agree.
    """
    merged: list[Mention] = []
    for mention in mentions:
        if merged and _compatible(merged[-1], mention, published):
            merged[-1] = _join(merged[-1], mention)
            continue
        same = next((j for j, m in enumerate(merged) if _same_event(m, mention, published)), None)
        if same is not None:
            merged[same] = _join(merged[same], mention)
        else:
            merged.append(mention)
    return tuple(merged)
