"""The story around its events: the country they happen in, and dates it leaves unresolved.

The story's country: where an article's events happened when a mention's own words do not say.

A mention whose location names no country (a town the gazetteer cannot place, or no place at all)
gets the story's country: the one its dateline names, else the one most of its events' locations
name or imply (a tie gives none). Guideline 4 allows exactly this: a country the article does not
name for the event but that the whole article unambiguously places it in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...derive.countries import resolve_country
from ...derive.dates import resolve_date
from .layout import Prepared
from .places import country_of_place, country_of_text

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .mentions import Mention

__all__ = ["filed_in", "relative_dates", "with_countries"]


def _code(country: str) -> str | None:
    return resolve_country(country)[1] if country else None


def with_countries(mentions: Sequence[Mention], filed_in: str | None) -> tuple[Mention, ...]:
    """Mentions whose location names no country get the story's country, when the story has one.

    The story's country is the one its dateline names, else the one most of its events' locations
    name or imply (ties: none); an event with no location at all gets it as its only location.
    """
    counts: Counter[str] = Counter()
    written: dict[str, str] = {}
    for mention in mentions:
        for country, _place in mention.locations:
            if (code := _code(country)) is not None:
                counts[code] += 1
                written.setdefault(code, country)
    story = filed_in
    if story is None and counts:
        ranked = counts.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            story = written[ranked[0][0]]
    if story is None:
        return tuple(mentions)
    out = []
    for mention in mentions:
        located = mention
        if not mention.locations:
            located = dataclasses.replace(mention, locations=((story, None),))
        elif all(_code(country) is None for country, _place in mention.locations):
            located = dataclasses.replace(
                mention, locations=tuple((story, place) for _country, place in mention.locations)
            )
        out.append(located)
    return tuple(out)


def relative_dates(doc: Doc) -> list[str]:
    """Date expressions that resolve against a publication date and not without one ("Monday")."""
    reference = dt.date(2000, 1, 1)
    return [
        ent.text
        for ent in doc.ents
        if ent.label_ in {"DATE", "TIME"}
        and resolve_date(ent.text, None).value is None
        and resolve_date(ent.text, reference).value is not None
    ]


def filed_in(prepared: Prepared) -> str | None:
    """The country a dateline names or implies ("SEOUL, South Korea (Agency) -"), as written or ISO's."""
    for dateline in prepared.datelines:
        place = prepared.original[dateline.place[0] : dateline.place[1]]
        for part in reversed([p.strip() for p in place.split(",")]):
            if country_of_text(part):
                return part
            implied = country_of_place(part.title() if part.isupper() else part)
            if implied:
                return implied
    return None
