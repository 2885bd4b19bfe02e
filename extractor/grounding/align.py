"""Alignment: find a string the LLM gave in the article, and say how it was found.

A string is found when it is a verbatim substring of the article (``alignment="exact"``) or,
failing that, when it matches after **folding** — whitespace runs to one space, typographic
quotation marks and apostrophes to ASCII (``alignment="normalized"``). Folding never changes
case or letters, and offsets always point into the original article text. Nothing fuzzier is
accepted: a string that cannot be found is ungrounded.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schemas.events_v1 import Span

__all__ = ["find_quote", "fold"]

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


def fold(text: str) -> str:
    """Fold quotation marks and whitespace the way ``find_quote`` does (for comparisons)."""
    return _WS.sub(" ", text.translate(_FOLD)).strip()


@lru_cache(maxsize=64)
def _folded_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` folded, and for each folded character the index of its source character."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text.translate(_FOLD)):
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


def find_quote(quote: str, text: str) -> Span | None:
    """Locate ``quote`` in ``text``; ``None`` when it is not there (after normalisation)."""
    stripped = quote.strip()
    if not stripped:
        return None
    start = text.find(stripped)
    if start >= 0:
        return Span(quote=quote, start=start, end=start + len(stripped), alignment="exact")
    folded_text, index = _folded_with_map(text)
    needle = fold(stripped)
    pos = folded_text.find(needle)
    if pos < 0:
        return None
    first = index[pos]
    last = index[pos + len(needle) - 1]
    return Span(quote=quote, start=first, end=last + 1, alignment="normalized")
