"""Alignment: find a string the LLM gave in the article, and say how it was found.

A string is found when it is a verbatim substring of the article (``alignment="exact"``) or,
failing that, when it matches after **folding** — whitespace runs to one space, typographic
quotation marks and apostrophes to ASCII, letters to lower case (``alignment="normalized"``).
Folding never adds or removes characters other than collapsed whitespace, so offsets always
point into the original article, and a span's ``quote`` is the article's own words there.
Nothing fuzzier is accepted: a string that cannot be found is ungrounded.

``find_quote`` locates a passage (evidence, a claim's quote); ``locate`` locates a name or a short
expression (an actor, a place, a date expression): whole words only, and the occurrence nearest
to the event's evidence when there are several.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schemas.events_v3 import Span

__all__ = ["find_quote", "fold", "locate"]

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
    }
)
_WS = re.compile(r"\s+")


def _lower(text: str) -> str:
    """Lower case, one character for one (characters whose lower case is longer are kept)."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def fold(text: str) -> str:
    """Fold quotation marks, whitespace and case the way ``find_quote`` does (for comparisons)."""
    return _WS.sub(" ", _lower(text.translate(_FOLD))).strip()


@lru_cache(maxsize=64)
def _folded_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` folded, and for each folded character the index of its source character."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(_lower(text.translate(_FOLD))):
        if ch.isspace():
            if in_space:
                continue
            in_space = True
            out.append(" ")
        else:
            in_space = False
            out.append(ch)
        index.append(i)
    return "".join(out), tuple(index)


def _occurrences(needle: str, haystack: str) -> list[int]:
    found: list[int] = []
    pos = haystack.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = haystack.find(needle, pos + 1)
    return found


def _whole_words(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends inside a word."""
    before = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    after = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return before and after


def _verbatim(value: str, text: str) -> list[tuple[int, int]]:
    stripped = value.strip()
    return [(s, s + len(stripped)) for s in _occurrences(stripped, text)]


def _folded(value: str, text: str) -> list[tuple[int, int]]:
    folded_text, index = _folded_with_map(text)
    needle = fold(value)
    return [(index[p], index[p + len(needle) - 1] + 1) for p in _occurrences(needle, folded_text)]


def _span(text: str, start: int, end: int, exact: bool) -> Span:
    return Span(quote=text[start:end], start=start, end=end, alignment="exact" if exact else "normalized")


def find_quote(quote: str, text: str) -> Span | None:
    """Locate the passage ``quote`` in ``text`` (first occurrence); ``None`` when it is not there."""
    if not quote.strip():
        return None
    for exact, search in ((True, _verbatim), (False, _folded)):
        found = search(quote, text)
        if found:
            return _span(text, *found[0], exact)
    return None


def locate(value: str, text: str, *, near: int | None = None) -> Span | None:
    """Locate a name or short expression in ``text``: whole words, nearest to offset ``near``."""
    if not value.strip():
        return None
    for exact, search in ((True, _verbatim), (False, _folded)):
        found = [(s, e) for s, e in search(value, text) if _whole_words(text, s, e)]
        if found:
            start, end = (
                min(found, key=lambda se: (abs(se[0] - near), se[0])) if near is not None else found[0]
            )
            return _span(text, start, end, exact)
    return None
