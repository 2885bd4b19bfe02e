"""The one grounding rule set: what of a drafted event is tied to the article, and what is not.

``ground_event(draft, text)`` applies every rule once and returns a ``GroundedEvent``: the
evidence spans and casualty claims that passed, the date expression if it is in the article,
and one ``Problem`` per rule that failed. Both consumers read that same verdict:

* the re-ask validator (``grounding.validate.GroundedDraft``) sends every problem's message
  back to the LLM;
* the keep/drop step (``record_problems`` and the ``GroundedEvent`` itself) keeps what passed,
  drops the event when no evidence passed, and writes the problems into ``Diagnostics``.

Rules:

* evidence: each quote must be at least ``MIN_EVIDENCE_CHARS`` long (after folding) and found in
  the article; a quote that fails is removed; an event with no evidence left is dropped;
* casualty claims: the quote must be found and must contain the figure (``count_in_quote``);
  a claim that fails is dropped;
* date: a date expression not found in the article is discarded (the date stays unresolved).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Literal

from schemas.events_v1 import CasualtyClaim, Diagnostics, DroppedEvent, EventDraft, Span

from ..derive.numbers import NUMBER_WORDS
from .align import find_quote, fold

__all__ = [
    "MIN_EVIDENCE_CHARS",
    "GroundedEvent",
    "Problem",
    "count_in_quote",
    "ground_event",
    "record_problems",
]

#: Shorter evidence quotes ("US", "the strikes") would match almost any article.
MIN_EVIDENCE_CHARS = 12

ProblemKind = Literal[
    "evidence_too_short", "evidence_not_found", "claim_not_found", "claim_figure_absent", "date_not_found"
]


@dataclasses.dataclass(frozen=True)
class Problem:
    """One failed rule: where (a field path inside the event), which rule, and what to tell the LLM."""

    path: str
    kind: ProblemKind
    message: str

    def located(self, where: str) -> str:
        """The message prefixed with the event's own path (``events[2]``)."""
        return f"{where}.{self.message}"


@dataclasses.dataclass(frozen=True)
class GroundedEvent:
    """What of one drafted event survived the rules, and the problems of what did not."""

    draft: EventDraft
    evidence: tuple[Span, ...]
    claims: tuple[CasualtyClaim, ...]
    date_text: str | None
    problems: tuple[Problem, ...]

    @property
    def kept(self) -> bool:
        """An event is kept when at least one evidence quote was found."""
        return bool(self.evidence)


def count_in_quote(count: int, quote: str) -> bool:
    """True when the figure ``count`` is written in ``quote`` (digits, with separators, or as a word)."""
    lowered = quote.lower()
    for token in re.findall(r"\d[\d,.]*", lowered):
        digits = token.rstrip(".,").replace(",", "")
        if digits.isdigit() and int(digits) == count:
            return True
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", lowered)
    for word in words:
        if "-" in word:  # "twenty-four"
            tens, _, units = word.partition("-")
            if NUMBER_WORDS.get(tens, -1) + NUMBER_WORDS.get(units, -100) == count:
                return True
        elif word not in {"a", "an"} and NUMBER_WORDS.get(word) == count:
            return True
    # "a soldier was killed": the article's "a" is the figure 1, but only if no other figure is given
    has_other_figure = bool(re.search(r"\d", lowered)) or any(
        w in NUMBER_WORDS and w not in {"a", "an"} for w in words
    )
    return count == 1 and not has_other_figure and bool(re.search(r"\b(an?|single)\b", lowered))


def ground_event(draft: EventDraft, text: str) -> GroundedEvent:
    """Apply every grounding rule to one drafted event (see the module docstring)."""
    problems: list[Problem] = []
    evidence: list[Span] = []
    for j, quote in enumerate(draft.evidence):
        path = f"evidence[{j}]"
        if len(fold(quote)) < MIN_EVIDENCE_CHARS:
            message = f"{path} is too short to identify a passage: {quote!r}"
            problems.append(Problem(path, "evidence_too_short", message))
        elif (span := find_quote(quote, text)) is None:
            message = f"{path} is not in the article; copy the words exactly: {quote!r}"
            problems.append(Problem(path, "evidence_not_found", message))
        else:
            evidence.append(span)
    claims: list[CasualtyClaim] = []
    for j, claim in enumerate(draft.casualties):
        path = f"casualties[{j}]"
        if (span := find_quote(claim.quote, text)) is None:
            message = f"{path}.quote is not in the article: {claim.quote!r}"
            problems.append(Problem(path, "claim_not_found", message))
        elif not count_in_quote(claim.count, claim.quote):
            message = f"{path}.count {claim.count} does not appear in its quote"
            problems.append(Problem(path, "claim_figure_absent", message))
        else:
            claims.append(
                CasualtyClaim(
                    kind=claim.kind,
                    count=claim.count,
                    qualifier=claim.qualifier,
                    claimed_by=claim.claimed_by,
                    victims=claim.victims,
                    quote=span,
                )
            )
    date_text = draft.date_text
    if date_text is not None and find_quote(date_text, text) is None:
        problems.append(
            Problem("date_text", "date_not_found", f"date_text is not in the article: {date_text!r}")
        )
        date_text = None
    return GroundedEvent(draft, tuple(evidence), tuple(claims), date_text, tuple(problems))


def record_problems(grounded: GroundedEvent, diagnostics: Diagnostics) -> None:
    """Write what the keep/drop step did with ``grounded``'s problems into ``diagnostics``."""
    draft = grounded.draft
    if not grounded.kept:
        diagnostics.dropped.append(
            DroppedEvent(
                event_type=draft.event_type,
                quotes=list(draft.evidence),
                reason="evidence not found in the article: no quote matched after normalisation",
            )
        )
        return
    kinds = [p.kind for p in grounded.problems]
    removed = kinds.count("evidence_too_short") + kinds.count("evidence_not_found")
    if removed:
        diagnostics.warnings.append(
            f"{draft.event_type}: {removed} evidence quote(s) not found in the article were removed"
        )
    diagnostics.claims_dropped += kinds.count("claim_not_found") + kinds.count("claim_figure_absent")
    if "date_not_found" in kinds:
        diagnostics.warnings.append(
            f"{draft.event_type}: date expression {draft.date_text!r} is not in the article and was not used"
        )
