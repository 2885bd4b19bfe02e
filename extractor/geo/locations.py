"""Place descriptions as records hold them ("Kadugli in South Kordofan", "a market near Kano") located.

A description is split into its names (runs of capitalised words, "al-"/"de"/"of" allowed inside;
words of scripts without case count as capitalised); every name of every description of the article
is resolved together (``resolve_places``), and each description takes its most specific name: a
place before a second-level unit before a first-level unit before a country, among the names that
agree with the description's country. A place named right after "near", "outside", "outskirts
of", "north of", "northern" ... is precision 2; the place itself, 1. A description whose names the
gazetteer does not know keeps its words with precision 3 (and the article's leading country, when
one leads); nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from .names import KIND_WORDS
from .resolve import Context, Resolution, resolve_places

__all__ = ["Located", "locate", "name_spans"]

_NAME = re.compile(
    r"(?:[^\W\d_a-z][\w'’.]*(?:-[\w'’.]+)*)"
    r"(?:\s+(?:(?:al|el|ad|as|de|du|des|la|le|of|the|upon|on)[-\s]+)?[^\W\d_a-z][\w'’.]*(?:-[\w'’.]+)*){0,5}"
)
_NEAR_BEFORE = re.compile(
    r"(?:\bnear|\bnearby|\boutside|\boutskirts\s+of|\bvicinity\s+of|\bclose\s+to|\baround|"
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?(?:\s+of)?|"
    r"\bcentral|\brural|\bkm\s+(?:from|of)|\bmiles?\s+(?:from|of))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_KIND_AFTER = re.compile(
    r"\s+(?:" + "|".join(sorted(KIND_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_SPECIFIC: Final = {"place": 0, "admin2": 1, "admin1": 2, "country": 3, "continent": 4}
_LEADING_ARTICLES: Final = ("The ", "A ", "An ")


@dataclass(frozen=True)
class Located:
    """One description's location: its chosen name's resolution, and the description's span."""

    start: int
    end: int
    resolution: Resolution


def name_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The names inside ``text[start:end]`` (capitalised runs), as spans of ``text``."""
    spans = []
    for match in _NAME.finditer(text, start, end):
        s, e = match.span()
        for article in _LEADING_ARTICLES:
            if text.startswith(article, s) and e - s > len(article):
                s += len(article)
        while e > s and text[e - 1] in ".'’-":
            e -= 1
        kind = _KIND_AFTER.match(text, e, end)
        if kind:  # "Idlib province", "Baidoa town": the kind word goes with the name
            e = kind.end()
        if e > s:
            spans.append((s, e))
    return spans


def _near(text: str, desc_start: int, name_start: int) -> bool:
    return bool(_NEAR_BEFORE.search(text[max(desc_start, name_start - 40) : name_start]))


def _choose(text: str, start: int, end: int, found: Sequence[Resolution]) -> Resolution:
    resolved = [r for r in found if r.place is not None]
    if not resolved:
        fallback = next((r for r in found if r.country_code), None)
        return Resolution(
            start, end, text[start:end], None, 3,
            country_code=fallback.country_code if fallback else None,
            country_name=fallback.country_name if fallback else None,
            country_from=fallback.country_from if fallback else None,
        )  # fmt: skip
    lead = max(resolved, key=lambda r: (r.score or 0.0, -r.start))
    agreeing = [r for r in resolved if r.country_code == lead.country_code] or [lead]
    best = min(
        agreeing, key=lambda r: (_SPECIFIC[r.place.feature if r.place else "continent"], -(r.score or 0.0))
    )
    precision = best.precision
    if best.place is not None and best.place.feature == "place":
        precision = 2 if best.precision == 2 or _near(text, start, best.start) else 1
    return replace(
        best, start=start, end=end, text=text[start:end], precision=precision, matched=best.matched
    )


def locate(
    text: str, descriptions: Sequence[tuple[int, int]], context: Context | None = None
) -> list[Located]:
    """Locate each description ``text[start:end]``, all of them resolved together, in the order given."""
    names = [name_spans(text, max(0, s), min(len(text), e)) for s, e in descriptions]
    flat = sorted({span for spans in names for span in spans})
    resolved = dict(zip(flat, resolve_places(text, flat, context), strict=True))
    return [
        Located(s, e, _choose(text, s, e, [resolved[span] for span in spans]))
        for (s, e), spans in zip(descriptions, names, strict=True)
    ]
