"""Toponyms as written -> gazetteer keys, and what the words around a name say about it.

``fold`` is the one key function of the gazetteer: diacritics dropped, case folded, apostrophes,
dots and hyphens removed or turned into spaces, whitespace collapsed ("Ḥalab" -> "halab",
"Al-Hasakah" -> "al hasakah", "U.S." -> "us"). ``article_free`` also drops a leading Arabic or
English article ("al hasakah" -> "hasakah"), so "Al Hasakah", "al-Hasakah" and "Hasakah" meet.

``parse_toponym`` reads a place description the way a coder does: "Idlib province" names the
province Idlib (an administrative unit); "the outskirts of Aleppo", "near Homs" and "northern
Syria" name a place *near or part of* the named one (ACLED geo_precision 2 at best); "the border",
"the capital" name nothing (no key at all, so nothing can be resolved from them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "KIND_WORDS",
    "MODIFIER_WORDS",
    "AdminHint",
    "Toponym",
    "article_free",
    "dateline_spans",
    "fold",
    "parse_toponym",
]

AdminHint = Literal["admin", "city", "none"]

#: Punctuation removed ("U.S." -> "us", "Dar'a" -> "dara") or made a space ("al-Hasakah" -> "al hasakah").
_FOLD_TABLE: Final = str.maketrans(
    {**dict.fromkeys(".'’‘`´", ""), **dict.fromkeys('-‐‑‒–—―_/,;:()[]"“”', " ")}
)
_ARTICLES: Final = ("al ", "el ", "ad ", "ar ", "as ", "ash ", "at ", "az ", "an ", "the ")
_ARTICLE_INITIALS: Final = frozenset(a[0] for a in _ARTICLES)

#: Words after a name that make it an administrative unit ("Idlib province", "Harris County").
_ADMIN_WORDS: Final = frozenset(
    {
        "province", "provinces", "district", "districts", "governorate", "governorates", "state",
        "region", "county", "parish", "department", "prefecture", "oblast", "territory", "division",
        "municipality", "zone", "wilaya", "emirate", "canton", "borough", "commune", "raion",
        "rayon", "subdistrict", "sub-district", "sub district", "local government area", "lga",
    }
)  # fmt: skip
#: Words after a name that make it a settlement ("Kabul city", "Baidoa town").
_CITY_WORDS: Final = frozenset({"city", "town", "village", "township", "camp", "municipality"})
#: Words before a name that make the place near or part of it, not the place itself.
_NEAR_PREFIXES: Final = (
    "the outskirts of ", "outskirts of ", "the suburbs of ", "suburbs of ", "the vicinity of ",
    "vicinity of ", "near ", "nearby ", "close to ", "outside ", "around ", "south of ", "north of ",
    "east of ", "west of ", "the south of ", "the north of ", "the east of ", "the west of ",
    "southern ", "northern ", "eastern ", "western ", "central ", "north-eastern ", "north-western ",
    "south-eastern ", "south-western ", "northeastern ", "northwestern ", "southeastern ",
    "southwestern ", "rural ", "greater ", "downtown ", "the countryside of ", "countryside of ",
    "the province of ", "province of ", "the state of ", "state of ", "the district of ",
    "district of ", "the city of ", "city of ", "the town of ", "town of ", "the village of ",
    "village of ", "the county of ", "county of ", "the region of ", "region of ",
)  # fmt: skip
_OF_PREFIXES: Final = {
    "the province of ": "admin", "province of ": "admin", "the state of ": "admin",
    "state of ": "admin", "the district of ": "admin", "district of ": "admin",
    "the county of ": "admin", "county of ": "admin", "the region of ": "admin",
    "region of ": "admin", "the city of ": "city", "city of ": "city", "the town of ": "city",
    "town of ": "city", "the village of ": "city", "village of ": "city",
}  # fmt: skip
_MAX_KEY_CHARS: Final = 80
#: The words after a name that say what kind of place it is ("province", "district", "town").
KIND_WORDS: Final = frozenset(w for w in _ADMIN_WORDS | _CITY_WORDS if " " not in w and "-" not in w)
#: The words before a name that place something near or in part of it ("northern", "west",
#: "outside"): alone, they name nothing.
MODIFIER_WORDS: Final = frozenset(
    word
    for prefix in _NEAR_PREFIXES
    if prefix not in _OF_PREFIXES
    for word in prefix.replace("-", " ").split()
    if word not in ("the", "of")
)


#: A dateline: a place in capitals at the start of the text or of a line or sentence, an optional
#: ", Region", an optional "(Agency)", then a dash: "KABUL, Afghanistan —", "TORONTO (AP) -".
_DATELINE = re.compile(
    r"(?:^|\n|(?<=[.!?]\s))\s*(?P<place>[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})"
    r"(?:,\s*(?P<region>[A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*){0,2}))?"
    r"\s*(?:\([^)\n]{1,30}\)\s*)?(?:—|–|--|-)\s"
)
_DATELINE_WITHIN: Final = 600


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """The dateline's place and region (when given) near the start of ``text``, as spans."""
    match = _DATELINE.search(text[:_DATELINE_WITHIN])
    if match is None:
        return []
    return [match.span(g) for g in ("place", "region") if match.group(g)]


def fold(text: str) -> str:
    """The gazetteer key of a name: no diacritics, case folded, punctuation out, spaces collapsed."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(text.casefold().translate(_FOLD_TABLE).split())


def article_free(key: str) -> str:
    """``key`` without a leading article ("al hasakah" -> "hasakah"); ``key`` when it has none."""
    if key[:1] not in _ARTICLE_INITIALS:
        return key
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article) + 2:
            return key[len(article) :]
    return key


@dataclass(frozen=True)
class Toponym:
    """A place description read: the name to look up and what the surrounding words say.

    ``keys`` are tried in order (the whole description first: "South Kordofan" is itself a
    province); ``near`` is true when the description places the event near or in part of the
    named place ("outskirts of X", "northern X"): precision 2 at best; ``hint`` says whether the
    words name an administrative unit or a settlement.
    """

    text: str
    keys: tuple[str, ...]
    near: bool = False
    hint: AdminHint = "none"


def _strip_suffix(key: str) -> tuple[str, AdminHint]:
    words = key.split()
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:])
            if tail in _ADMIN_WORDS and tail not in _CITY_WORDS:
                return " ".join(words[:-size]), "admin"
            if tail in _CITY_WORDS:
                return " ".join(words[:-size]), "city"
    return key, "none"


def parse_toponym(text: str) -> Toponym:
    """Read a place description: which names to look up, whether it is near/part of them, what kind."""
    key = fold(text)[:_MAX_KEY_CHARS]
    if key.startswith("the "):
        key = key[4:]
    if key.endswith(" s") and len(key) > 4:  # "Syria's" folds to "syria s"
        key = key[:-2]
    keys: list[str] = [key] if key else []
    near = False
    hint: AdminHint = "none"
    for prefix in _NEAR_PREFIXES:
        folded_prefix = fold(prefix) + " "
        if key.startswith(folded_prefix) and len(key) > len(folded_prefix):
            rest = key[len(folded_prefix) :]
            hint = _OF_PREFIXES.get(prefix, "none")  # type: ignore[assignment]
            near = prefix not in _OF_PREFIXES
            keys.append(rest)
            key = rest
            break
    core, suffix_hint = _strip_suffix(key)
    if core != key and core:
        keys.append(core)
        hint = suffix_hint if hint == "none" else hint
    for k in list(keys):
        bare = article_free(k)
        if bare != k:
            keys.append(bare)
    unique = tuple(dict.fromkeys(k for k in keys if k))
    return Toponym(text=text, keys=unique, near=near, hint=hint)
