"""ACLED's fatalities rule over an event's casualty claims, with victim groups.

Conflicting figures for the **same victims** count once, at the lowest ("15 killed" by one source,
"6 killed" by another: 6); figures for **distinct victim groups** add up ("4 police officers and
1 civilian": 5). A claim's victim group is the head noun of its ``victims`` ("three police
officers", "an officer": officer), or a group named explicitly (gold's ``victim_group``); a claim
whose victims are unspecified ("19 were killed", "44 people") is the total of the groups named
beside it ("5 people, including 4 police officers and 1 civilian": 5).

Which figures describe the same victims is known for certain only to an annotator: gold names the
groups of an event's claims and adds up distinct ones. Code reads the groups a passage (sentence)
lists as distinct, and the figures of different passages, usually different sources reporting the
same victims in other words ("12 guards", "at least 12 of its men"), as conflicting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final, Protocol

__all__ = ["HasKindAndCount", "fatalities", "victim_group"]

#: Words that name people in general, not a group: a figure for them is a total.
_GENERIC: Final = frozenset(
    {"people", "person", "persons", "others", "other", "victims", "victim", "casualties", "individuals",
     "lives", "dead", "bodies", "body", "one", "ones"}
)  # fmt: skip
_IRREGULAR: Final = {"men": "man", "women": "woman", "children": "child", "policemen": "policeman",
                     "gunmen": "gunman", "militiamen": "militiaman", "servicemen": "serviceman"}  # fmt: skip
_HEAD_END: Final = re.compile(r",|\b(?:of|to|in|at|from|who|which|that|including|among|on|near|with)\b", re.I)
_WORD: Final = re.compile(r"[^\W\d_]+")


class HasKindAndCount(Protocol):
    """Anything with a casualty ``kind`` ("killed"/"injured") and a ``count``: drafts and claims."""

    @property
    def kind(self) -> str:
        """Either "killed" or "injured"."""
        ...

    @property
    def count(self) -> int:
        """The number reported."""
        ...


def _text(value: object) -> str | None:
    """A string, or the ``quote`` of a span; ``None`` otherwise."""
    if isinstance(value, str):
        return value
    quote = getattr(value, "quote", None)
    return quote if isinstance(quote, str) else None


def victim_group(victims: object) -> str | None:
    """The group key of a claim's ``victims`` (a string or a span): its head noun, singular; ``None``
    when the victims are unspecified or people in general."""
    text = _text(victims)
    if not text:
        return None
    head = _HEAD_END.split(text, maxsplit=1)[0]
    found = _WORD.findall(head.casefold())
    if not found:
        return None
    word = found[-1]
    if word in _GENERIC:
        return None
    word = str(_IRREGULAR.get(word, word))
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def _default_group(claim: object) -> str | None:
    return victim_group(getattr(claim, "victims", None))


def _default_passage(claim: object) -> str | None:
    return _text(getattr(claim, "quote", None))


def _passage_total(claims: list[HasKindAndCount], group: Callable[[HasKindAndCount], str | None]) -> int:
    """One passage's killed figure: distinct groups add up; an unspecified figure beside them is the total."""
    lowest: dict[str, int] = {}
    totals: list[int] = []
    for claim in claims:
        key = group(claim)
        if key is None:
            totals.append(claim.count)
        else:
            lowest[key] = min(lowest.get(key, claim.count), claim.count)
    named = sum(lowest.values())
    if not totals:
        return named
    return max(named, min(totals)) if lowest else min(totals)


def fatalities(
    claims: Iterable[HasKindAndCount],
    group: Callable[[HasKindAndCount], str | None] = _default_group,
    passage: Callable[[HasKindAndCount], str | None] = _default_passage,
) -> int | None:
    """The event's fatalities (see the module docstring); ``None`` when nothing was reported killed.

    ``group`` names a claim's victim group (``None``: unspecified); ``passage`` the passage it comes
    from. Within a passage distinct groups add up; figures from different passages (different
    reports of the event) conflict, and the lowest counts.
    """
    by_passage: dict[str | None, list[HasKindAndCount]] = {}
    for claim in claims:
        if claim.kind == "killed":
            by_passage.setdefault(passage(claim), []).append(claim)
    if not by_passage:
        return None
    return min(_passage_total(found, group) for found in by_passage.values())
