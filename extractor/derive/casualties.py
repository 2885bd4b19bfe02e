"""Casualty figures: which numbers in a passage count people killed or injured, and ACLED's fatalities rule.

``casualty_figures(text)`` finds every number written in ``text`` (digits, "1,200", number words,
"twenty-four", "a dozen", and "a"/"an" as 1) that is a casualty figure:

* it sits in the same clause as a casualty word (killed, dead, died, wounded, injured,
  casualties, death toll, ... in any inflection); clauses end at ``. ; : ! ?``, dashes, and at
  ", and" / "but" / "while" / "whereas" between two verbs of the figure's kind;
* it is not part of a date ("December 27", "27 December", a year such as "2019"), a time
  ("10:30", "3 p.m."), an ordinal ("27th"), an age ("aged 25", "25-year-old"), a unit or a
  duration ("30 minutes", "5 km", "10 percent", "$5"), or a name/designation ("F-15", "MQ-9");
* its kind ("killed" or "injured") is that of the nearest casualty word in the clause.

"a"/"an"/"single" counts as 1 only when the clause gives no other figure ("a soldier was killed").
The rule is general: nothing in it knows any article.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable
from typing import Final, Literal

from .date_patterns import MONTH_NUMBERS
from .numbers import NUMBER_WORDS

__all__ = ["DetentionKind", "Figure", "casualty_figures", "detention_figures", "figure_in", "nobody_killed"]

Kind = Literal["killed", "injured"]

_KILLED: Final = (
    r"kill(?:s|ed|ing)?|dead|deaths?|died|dies|dying|die|fatalit(?:y|ies)|slain|slaughtered|massacred"
    r"|lost\s+their\s+lives|lost\s+his\s+life|lost\s+her\s+life|death\s+toll|bodies|executed|murdered"
)
_INJURED: Final = r"injur(?:e|es|ed|ing|y|ies)|wound(?:s|ed|ing)?|hurt|maimed"
_BOTH: Final = r"casualt(?:y|ies)|victims?"
_CASUALTY_WORD: Final = re.compile(
    rf"\b(?:(?P<killed>{_KILLED})|(?P<injured>{_INJURED})|(?P<both>{_BOTH}))\b", re.IGNORECASE
)
DetentionKind = Literal["arrested", "abducted"]
_DETENTION_WORD: Final = re.compile(
    r"\b(?:(?P<arrested>arrest(?:s|ed)?|detain(?:s|ed)?|detention|apprehended|rounded\s+up|taken\s+into\s+custody)"
    r"|(?P<abducted>abduct(?:s|ed|ion)?|kidnap(?:s|ped|ping)?|taken\s+hostage|held\s+hostage|hostages?))\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK: Final = re.compile(
    r"[.;:!?\u2014\u2013]\s|\s[-\u2014\u2013]{1,2}\s|,?\s+(?:but|while|whereas)\s", re.I
)
_LAST_WORD: Final = re.compile(r"[A-Za-z]+$")
_ABBREVIATIONS: Final = frozenset(
    {*MONTH_NUMBERS, "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "st", "no", "vs",
     "gov", "sen", "rep", "prof", "rev", "cpl", "pvt", "adm", "brig", "cmdr", "jr", "sr", "inc", "co", "corp",
     "ltd"}
)  # fmt: skip
_AND_BREAK: Final = re.compile(r",\s+and\s|\band\s", re.I)

_WORD_VALUES: Final = {w: v for w, v in NUMBER_WORDS.items() if w not in {"a", "an", "single", "dozen"}}
_TENS: Final = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
_WORD_VALUES_ALL: Final = {
    **_WORD_VALUES,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_NUMBER_WORD_RE: Final = "|".join(sorted(_WORD_VALUES_ALL, key=len, reverse=True))
_NUMBER: Final = re.compile(
    r"(?<![\w.,:/-])(?:"
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?![\w:]|\.\d|,\d)"
    rf"|(?P<words>(?:{_NUMBER_WORD_RE})(?:[-\s](?:{_NUMBER_WORD_RE}))?(?:\s+(?:hundred|thousand))?)\b"
    r"|(?P<dozen>(?:a|one|two|three|several)\s+dozens?)\b"
    r"|(?P<hundreds>hundreds|thousands|dozens)\b"
    r"|(?P<one>\b(?:a|an|single)\b)"
    r")",
    re.IGNORECASE,
)
_MONTHS: Final = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_UNIT_AFTER: Final = re.compile(
    r"^\s*(?:-?\s*(?:year|month|week|day)s?[-\s]old\b|-?\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?"
    r"|months?|years?|decades?|centur(?:y|ies)|km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|feet|ft|kg|tons?"
    r"|tonnes?|percent|per\s+cent|%|a\.?m\.?|p\.?m\.?|o'clock|gmt|utc|mm|cm|dollars?|euros?|pounds?|times|rounds?"
    r"|rockets?|missiles?|drones?|shells?|mortars?|bombs?|grenades?|vehicles?|trucks?|tanks?|aircraft|jets?"
    r"|planes?|helicopters?|villages?|towns?|homes?|houses?|buildings?)\b|(?:st|nd|rd|th)\b)",
    re.IGNORECASE,
)
_BEFORE_NOT_FIGURE: Final = re.compile(
    rf"(?:\b(?:aged?|age|ages|since|in|of|from|until|by|on|at|year|no\.|number|route|resolution|article)\s*$"
    rf"|[A-Za-z]-\s*$|[$€£#]\s*$|\b(?:{_MONTHS})\.?\s*$)",
    re.IGNORECASE,
)
_MONTH_AFTER: Final = re.compile(rf"^\s*(?:of\s+)?(?:{_MONTHS})\b", re.IGNORECASE)
#: After a four-digit number, what makes it a head count rather than a year: a word for people,
#: perhaps after one adjective ("2000 people were killed", "1500 Syrian soldiers died"), or a
#: casualty verb at once ("2000 killed", "1900 were wounded"). Any other word between the number
#: and the verb makes it a year ("The 2019 attack killed five people").
_PERSON_AFTER: Final = re.compile(
    r"^\s*(?:(?:(?!that|which|who|when|where)[a-z-]+\s+)?(?:people|persons|civilians|soldiers|troops"
    r"|fighters|militants|rebels|men|women|children|residents|refugees|migrants|protesters)"
    r"|(?:(?:were|are|was|have\s+been|had\s+been)\s+)?(?:killed|dead|died|injured|wounded))\b",
    re.IGNORECASE,
)
#: Before a number: a month and a day ("December 27, 2019"), so the number is a year.
_DAY_BEFORE: Final = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Figure:
    """A casualty figure found in a passage: its value, kind and where it is (offsets into the passage)."""

    value: int
    kind: Kind
    start: int
    end: int


def _value(match: re.Match[str]) -> int | None:
    if match["digits"]:
        return int(match["digits"].replace(",", ""))
    if match["one"]:
        return 1
    if match["hundreds"]:
        return None  # "hundreds were killed": a figure, but not a number
    if match["dozen"]:
        first = match["dozen"].split()[0].lower()
        return 12 * {"a": 1, "one": 1, "two": 2, "three": 3}.get(first, 0) or None
    parts = re.split(r"[-\s]+", match["words"].lower())
    total = 0
    for part in parts:
        if part == "hundred":
            total = max(total, 1) * 100
        elif part == "thousand":
            total = max(total, 1) * 1000
        else:
            total += _WORD_VALUES_ALL[part]
    if (
        len(parts) == 2
        and parts[0] in _TENS
        and parts[1] in _WORD_VALUES_ALL
        and _WORD_VALUES_ALL[parts[1]] >= 10
    ):
        return None  # "twenty twelve" is not a number
    return total


def _not_a_figure(text: str, match: re.Match[str], value: int) -> bool:
    """Dates, times, years, ordinals, ages, units and designations are not casualty figures."""
    before, after = text[: match.start()], text[match.end() :]
    if _UNIT_AFTER.match(after) or _BEFORE_NOT_FIGURE.search(before[-24:]) or _MONTH_AFTER.match(after):
        return True
    if _DAY_BEFORE.search(before[-24:]):
        return True
    if (
        match["digits"]
        and "," not in match["digits"]
        and 1800 <= value <= 2100
        and not _PERSON_AFTER.match(after)
    ):
        return True  # a year
    return bool(match["digits"] and re.match(r"^[:/]\d", after))


def _abbreviation(text: str, cut: re.Match[str]) -> bool:
    """Whether a clause break is only the full stop of an abbreviation ("Jan. 4", "U.N. staff", "Gen.")."""
    if not cut.group().startswith("."):
        return False
    word = _LAST_WORD.search(text, 0, cut.start())
    return word is not None and (word.group().lower() in _ABBREVIATIONS or len(word.group()) == 1)


def _clauses(text: str, word: re.Pattern[str] = _CASUALTY_WORD) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``text`` (", and" splits when both sides have a ``word``)."""
    cuts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text) if not _abbreviation(text, m)), len(text)]
    spans = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    out: list[tuple[int, int]] = []
    for a, b in spans:  # ", and" splits only when each side has its own casualty word
        piece = text[a:b]
        starts = [a]
        for m in _AND_BREAK.finditer(piece):
            left, right = text[starts[-1] : a + m.start()], piece[m.end() :]
            if word.search(left) and word.search(right):
                starts.append(a + m.start())
        out.extend((s, e) for s, e in zip(starts, [*starts[1:], b], strict=True))
    return out


def _numbers(clause: str, near: list[int]) -> list[tuple[re.Match[str], int]]:
    """The figures of a clause: numbers that are not dates, times, ages, units...; "a" only when alone,
    and then the "a" nearest a word of ``near`` (offsets of the clause's casualty or detention words):
    "a neighbour told a reporter that a farmer was killed" counts "a farmer"."""
    found: list[tuple[re.Match[str], int]] = []
    for m in _NUMBER.finditer(clause):
        value = _value(m)
        if value is None or _not_a_figure(clause, m, value):
            continue
        found.append((m, value))
    numbers = [(m, v) for m, v in found if not m["one"]]
    if numbers:
        return numbers  # "a" is a figure only when nothing else is
    if not found:
        return []
    return [min(found, key=lambda f: min((abs(pos - f[0].start()) for pos in near), default=0))]


def detention_figures(text: str) -> list[tuple[DetentionKind, int, int, int]]:
    """(kind, count, start, end) of every figure of people arrested or abducted in ``text``.

    The same rules as ``casualty_figures`` with the words of arrest ("arrested", "detained", "taken
    into custody") and abduction ("abducted", "kidnapped", "taken hostage") instead.
    """
    out: list[tuple[DetentionKind, int, int, int]] = []
    for start, end in _clauses(text, _DETENTION_WORD):
        clause = text[start:end]
        words = [
            (m.start(), "arrested" if m["arrested"] else "abducted") for m in _DETENTION_WORD.finditer(clause)
        ]
        if not words:
            continue
        for m, value in _numbers(clause, [pos for pos, _kind in words]):
            kind = min((abs(pos - m.start()), k) for pos, k in words)[1]
            out.append((kind, value, start + m.start(), start + m.end()))  # type: ignore[arg-type]
    return out


def casualty_figures(text: str) -> list[Figure]:
    """Every casualty figure in ``text`` (see the module docstring), in order."""
    figures: list[Figure] = []
    for start, end in _clauses(text):
        clause = text[start:end]
        words = [
            (m.start(), "killed" if m["killed"] else "injured" if m["injured"] else None)
            for m in _CASUALTY_WORD.finditer(clause)
        ]
        if not words:
            continue
        for m, value in _numbers(clause, [pos for pos, _kind in words]):
            kinds = [k for _, k in words if k is not None]
            if len(set(kinds)) == 1:
                kind: Kind = kinds[0]  # type: ignore[assignment]
            elif kinds:
                nearest = min((abs(pos - m.start()), k) for pos, k in words if k is not None)
                kind = nearest[1]  # type: ignore[assignment]
            else:
                kind = "killed"  # "casualties" alone: ACLED codes fatalities conservatively from claims
            figures.append(Figure(value, kind, start + m.start(), start + m.end()))
    return figures


def figure_in(count: int, kind: str, text: str) -> bool:
    """Whether ``text`` states ``count`` as a ``kind`` figure ("casualties"/"victims" alone fit either)."""
    for figure in casualty_figures(text):
        if figure.value == count and (figure.kind == kind or _only_generic(text, figure)):
            return True
    return False


def _only_generic(text: str, figure: Figure) -> bool:
    for start, end in _clauses(text):
        if start <= figure.start < end:
            clause = text[start:end]
            return all(m["both"] for m in _CASUALTY_WORD.finditer(clause))
    return False


_NOBODY: Final = re.compile(
    r"\b(?:no(?:body|\s+one)?|none|without)\b[^.;:!?]{0,40}?\b(?:kill\w*|dead|deaths?|died|casualt(?:y|ies)"
    r"|fatalit(?:y|ies)|injur\w*|wound\w*|hurt|harm\w*|hitting\s+anyone)\b",
    re.IGNORECASE,
)


_UNKNOWN: Final = re.compile(r"\b(?:reports?|word|information|details|immediate|confirm\w*)\b", re.IGNORECASE)


def nobody_killed(passages: Iterable[str]) -> bool:
    """Whether a passage says that nobody was killed or hurt ("no casualties", "without wounding anyone").

    "No immediate reports of casualties" says that nothing is known yet: not that nobody was killed.
    """
    return any(not _UNKNOWN.search(m.group()) for text in passages for m in _NOBODY.finditer(text))
