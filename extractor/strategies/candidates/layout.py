"""Article layout before parsing: wrapped lines joined, paragraphs, headline line and dateline.

News text arrives hard-wrapped (a sentence runs over several indented lines), with a headline
line that has no full stop, and often with a dateline ("CITY, Country (Agency) -"). ``prepare``
returns a *reading* of the article for the parser, with a map back to the original offsets:

* a line break inside a sentence (the line does not end like a sentence and the next line goes
  on with it: it starts in lower case, or the line ends with a comma or a function word, or it
  is as long as the text's wrapped lines) becomes a space; any other line break ends a
  paragraph, so a headline line is never read as the start of the lead sentence;
* runs of spaces become one space; leading and trailing whitespace of a line is dropped;
* a dateline at the start of a paragraph (a place in capitals, or any place followed by a
  news agency in brackets, then a dash) is taken out of the reading and kept apart: it names
  where and when the story was filed, never who acted.

Every character of the reading maps to a character of the original (``original_span``), so
what code proposes is always the article's own words.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

__all__ = ["Dateline", "Prepared", "prepare"]

_SENTENCE_END: Final = re.compile(r"[.!?:][\"'\u201d\u2019)\]]*$")
_CONTINUES: Final = re.compile(
    r"(?:,|-|\u2014|\u2013|\(|\b(?:the|a|an|of|to|in|on|at|by|for|with|from|and|or|but|that|which|who|as|its"
    r"|their|his|her|is|are|was|were|be|been|has|have|had|than|into|over|after|before|while|during|said|says))$",
    re.I,
)
_DATELINE: Final = re.compile(
    r"^(?P<place>(?:[A-Z][A-Z.'\u2019-]+)(?:\s+[A-Z][A-Z.'\u2019-]+){0,3}"
    r"|(?=[^\n]{0,60}\()[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){0,3})"
    r"(?:,\s*(?P<region>[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3}))?"
    r"(?:,?\s+(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?))?"
    r"\s*(?P<agency>\([^()\n]{1,40}\))?\s*(?:[-\u2013\u2014]{1,2}|:)\s+"
)
#: A publication stamp before the prose ("date 2019-12-30 The strikes ...", "Updated: 12/29/2019 -").
_STAMP: Final = re.compile(
    r"(?i:date[d]?|updated|published|posted)\s*:?\s*(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\s*[-\u2013\u2014|:]?\s+"
)
#: A wrapped line is at least this share of the longest line of the text.
_WRAP_SHARE: Final = 0.6
_MIN_WRAP_WIDTH: Final = 50


@dataclasses.dataclass(frozen=True)
class Dateline:
    """Where (and when) a story was filed: original offsets of its place and date, if given."""

    place: tuple[int, int]
    date: tuple[int, int] | None
    end: int


@dataclasses.dataclass(frozen=True)
class Prepared:
    """The article as the parser reads it, mapped back to the original text."""

    original: str
    text: str
    offsets: tuple[int, ...]
    datelines: tuple[Dateline, ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the reading's ``[start:end]`` (``end`` exclusive, non-empty span)."""
        return self.offsets[start], self.offsets[max(start, end - 1)] + 1

    def words(self, start: int, end: int) -> str:
        """The original article's words for the reading's ``[start:end]``."""
        a, b = self.original_span(start, end)
        return self.original[a:b]


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content (without surrounding whitespace); blank lines are ``(s, s)``."""
    out = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        out.append((pos + lead, pos + lead + len(stripped)) if stripped else (pos, pos))
        pos += len(line) + 1
    return out


def _wraps(previous: str, following: str, width: int, *, continuing: bool) -> bool:
    """Whether the break between two non-blank lines is inside a sentence.

    ``continuing``: the previous line itself continued a wrapped sentence, so a short line
    without a full stop is that sentence's middle, not a headline.
    """
    if _SENTENCE_END.search(previous):
        return False
    if continuing or following[:1].islower() or following[:1] in {",", ";", ")"}:
        return True
    if _CONTINUES.search(previous):
        return True
    return width >= _MIN_WRAP_WIDTH and len(previous) >= _WRAP_SHARE * width


def prepare(text: str) -> Prepared:
    """The reading of ``text`` for the parser (see the module docstring)."""
    lines = _lines(text)
    width = max((e - s for s, e in lines), default=0)
    chars: list[str] = []
    offsets: list[int] = []
    datelines: list[Dateline] = []
    previous: tuple[int, int] | None = None
    blank = joined = False
    for line_start, end in lines:
        if line_start == end:
            blank = True
            continue
        start = line_start
        if previous is not None:
            joined = not blank and _wraps(
                text[previous[0] : previous[1]], text[start:end], width, continuing=joined
            )
            separator = " " if joined else "\n\n"
            chars.extend(separator)
            offsets.extend([previous[1]] * len(separator))
        if previous is None or not joined:
            start = _dateline(text, start, end, datelines)
        in_space = False
        for i in range(start, end):
            ch = text[i]
            if ch.isspace() and ch != "\u00a0":
                if in_space:
                    continue
                in_space = True
                ch = " "
            else:
                in_space = False
            chars.append(ch)
            offsets.append(i)
        previous, blank = (start, end), False
    offsets.append(len(text))
    return Prepared(text, "".join(chars), tuple(offsets), tuple(datelines))


def _dateline(text: str, start: int, end: int, found: list[Dateline]) -> int:
    """The start of the paragraph's prose: after its dateline (recorded in ``found``), if it has one."""
    stamp = _STAMP.match(text, start, end)
    if stamp is not None and stamp.end() < end:
        found.append(
            Dateline((stamp.start(), stamp.start()), (stamp.start("date"), stamp.end("date")), stamp.end())
        )
        return stamp.end()
    match = _DATELINE.match(text, start, end)
    if match is None or match.end() >= end:
        return start
    has_agency = match.group("agency") is not None
    if not has_agency and not match.group("place").isupper():
        return start
    place_end = match.end("region") if match.group("region") else match.end("place")
    date = (match.start("date"), match.end("date")) if match.group("date") else None
    found.append(Dateline((match.start("place"), place_end), date, match.end()))
    return match.end()
