"""Whether a text reads as English prose: the candidates strategy's rules read English only."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["looks_english"]

_WORD: Final = re.compile(r"[^\W\d_]+")
#: Common English function words; prose in English has far more than this share of them.
_FUNCTION_WORDS: Final = frozenset(
    {"the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or", "but", "was",
     "were", "is", "are", "be", "been", "has", "have", "had", "that", "which", "who", "it", "its", "their",
     "they", "he", "she", "said", "after", "as", "not", "this", "his", "her", "them", "we", "than", "there",
     "when", "while", "into", "about", "against", "near", "outside", "during", "over", "under", "between",
     "will", "would", "could", "also", "some", "other", "before", "since", "until", "where"}
)  # fmt: skip
_MIN_ENGLISH_SHARE: Final = 0.12
_MIN_WORDS: Final = 3


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English prose (share of English function words among its words)."""
    found = [w.lower() for w in _WORD.findall(text)]
    if len(found) < _MIN_WORDS:
        return False
    return sum(w in _FUNCTION_WORDS for w in found) / len(found) >= _MIN_ENGLISH_SHARE
