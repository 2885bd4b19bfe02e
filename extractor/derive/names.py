"""Name rules: when two actor, place or claimant names are the same name, and country keys.

``name_key`` is the lossy comparison form of a name (case, accents, punctuation, "the", U.S.);
it is not the offset-preserving *folding* of ``extractor.grounding`` used to locate quotes.
One implementation serves the corpus merge (``extractor.corpus``) and the scorer
(``evals.scoring`` re-exports these functions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .countries import resolve_country

__all__ = ["country_key", "keys_match", "name_key", "names_match"]


#: Dotted abbreviations such as "u.s." or "u.n" (single letters joined by dots, not inside a word).
_DOTTED = re.compile(r"(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W\d_])")

_NON_WORD = re.compile(r"[^\w\s]+")

_WS = re.compile(r"\s+")

_LEADING_THE = re.compile(r"^the\s+")

#: Whole-word phrase folds applied after punctuation is stripped (so "U.S." is already "us").
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{src}\b"), dst)
    for src, dst in (
        ("united states of america", "us"),
        ("united states", "us"),
        ("usa", "us"),
        ("united kingdom", "uk"),
        ("united nations", "un"),
    )
)


def name_key(name: str) -> str:
    """Canonical form of an actor, place or claimant name for comparison.

    NFKC and casefold; dotted abbreviations lose their dots ("U.S." -> "us"); apostrophes are
    dropped ("Jama'at" -> "jamaat"); any other punctuation becomes a space; whitespace is collapsed;
    a leading "the" is removed; "united states (of america)" / "usa" fold to "us", "united kingdom"
    to "uk", "united nations" to "un".
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    text = re.sub(r"['\u2019\u2018`]", "", text)
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    text = _WS.sub(" ", text).strip()
    text = _LEADING_THE.sub("", text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _contains_words(outer: str, inner: str) -> bool:
    """Whether ``inner`` occurs in ``outer`` as a run of whole words (both already normalised)."""
    return bool(inner) and f" {inner} " in f" {outer} "


def names_match(pred: str | None, gold: str | None, aliases: Iterable[str] = ()) -> bool:
    """Whether a predicted name matches a gold name or one of its aliases.

    Both null matches; one null does not. Otherwise, after ``name_key``, the predicted name
    must equal a gold name or alias, or one of the two must occur inside the other as whole
    words ("US forces" matches "US"; "Martyrs Brigades" matches "Al-Aqsa Martyrs Brigades";
    "Bra" does not match "Brazil"). An empty normalised name never matches.
    """
    if pred is None or gold is None:
        return pred is None and gold is None
    p = name_key(pred)
    return any(keys_match(p, name_key(candidate)) for candidate in (gold, *aliases))


def keys_match(a: str, b: str) -> bool:
    """``names_match`` on two names already through ``name_key`` (for callers that compare one
    name with many): both non-empty, and equal or one inside the other as whole words."""
    return bool(a) and bool(b) and (a == b or _contains_words(a, b) or _contains_words(b, a))


def country_key(name: str | None) -> str | None:
    """A key for comparing country strings: alpha-3 when recognised, else the casefolded name."""
    if name is None or not name.strip():
        return None
    return resolve_country(name)[1] or name.strip().casefold()
