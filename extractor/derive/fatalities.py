"""ACLED's fatalities rule over an event's casualty claims, with victim groups.

Conflicting figures for the **same victims** count once, at the lowest ("19 killed" by one source,
"4 killed" by another: 4); figures for **distinct victim groups** add up ("4 police officers" and
"1 civilian": 5). A claim's victim group is the head noun of its ``victims`` ("three police
officers" and "an officer": officer), or the group named explicitly (gold's ``victim_group``). A
claim whose victims are unspecified ("19 were killed", "44 people") is a total: when it comes from
the same passage as figures for named groups it is their total ("5 people, including 4 police
officers and 1 civilian": 5), otherwise it is one more conflicting figure for all of them (the
lowest counts).
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


def _passage(claim: object) -> str | None:
    return _text(getattr(claim, "quote", None))


def fatalities(
    claims: Iterable[HasKindAndCount], group: Callable[[HasKindAndCount], str | None] = _default_group
) -> int | None:
    """The event's fatalities (see the module docstring); ``None`` when nothing was reported killed."""
    killed = [c for c in claims if c.kind == "killed"]
    if not killed:
        return None
    lowest: dict[str, int] = {}
    passages: dict[str, set[str | None]] = {}
    totals: list[HasKindAndCount] = []
    for claim in killed:
        key = group(claim)
        if key is None:
            totals.append(claim)
            continue
        lowest[key] = min(lowest.get(key, claim.count), claim.count)
        passages.setdefault(key, set()).add(_passage(claim))
    if not lowest:
        return min(c.count for c in totals)
    specific = sum(lowest.values())
    named_in = set().union(*passages.values()) - {None}
    breakdown = [c.count for c in totals if _passage(c) in named_in]
    conflicting = [c.count for c in totals if _passage(c) not in named_in]
    result = max([specific, *breakdown])
    return min([result, *conflicting])
