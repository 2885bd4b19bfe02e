"""The one grounding rule set: what of a drafted event is tied to the article, and what is not.

``ground_event(draft, text)`` applies every rule once and returns a ``GroundedEvent``: the spans
and claims that passed, and one ``Problem`` per rule that failed. Both consumers read that verdict:

* the re-ask validator (``grounding.validate``) sends every problem's message back to the LLM;
* the keep/drop step (``record_problems`` and the ``GroundedEvent`` itself) keeps what passed,
  drops the event when no evidence passed, and writes the problems into ``Diagnostics``.

Rules (a string is *found* when ``align`` locates it; nothing inside an instruction-like line of
the article, see ``suspicious``, counts as found):

* evidence: each quote at least ``MIN_EVIDENCE_CHARS`` long and found; a quote that fails is
  removed; an event with no evidence left is dropped;
* casualty claims: the quote is found and states the figure as a casualty figure of the claim's
  kind (``derive.casualties.figure_in``: same clause as a casualty word; not a date, year, time,
  ordinal, age, unit or designation); a claim that fails is dropped;
* names — ``actor1``, ``actor2``, each ``place``, each claim's ``claimed_by`` and ``victims`` — and
  the date expression are located as whole words (nearest to the event's evidence); a value not
  found is set to null (an unfound date expression leaves the date unresolved);
* a ``country`` must be a real country (ISO 3166 via pycountry); otherwise it is dropped, and a
  location left with neither country nor place is dropped.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Literal

from schemas.events_v1 import CasualtyDraft, EventDraft, LocationDraft
from schemas.events_v3 import CasualtyClaim, Detention, DetentionDraft, Location, Span

from ..derive.casualties import detention_figures, figure_in
from ..derive.countries import resolve_country
from .align import find_quote, fold, locate
from .suspicious import instruction_like_lines, overlaps

__all__ = ["MIN_EVIDENCE_CHARS", "GroundedEvent", "Problem", "ProblemKind", "ground_event"]

#: Shorter evidence quotes ("US", "the strikes") would match almost any article.
MIN_EVIDENCE_CHARS = 12

ProblemKind = Literal[
    "evidence_too_short",
    "evidence_not_found",
    "claim_not_found",
    "claim_figure_absent",
    "date_not_found",
    "name_not_found",
    "country_unknown",
    "detention_figure_absent",
]

_NAME_HINT = "copy names exactly as the article writes them, or use null"


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
    date_text: Span | None
    locations: tuple[Location, ...]
    actor1: Span | None
    actor2: Span | None
    problems: tuple[Problem, ...]
    detentions: tuple[Detention, ...] = ()

    @property
    def kept(self) -> bool:
        """An event is kept when at least one evidence quote was found."""
        return bool(self.evidence)


@lru_cache(maxsize=64)
def _suspicious(text: str) -> tuple[Span, ...]:
    return tuple(instruction_like_lines(text))


class _Grounder:
    """Applies the rules to one draft, collecting problems."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.suspicious = list(_suspicious(text))
        self.problems: list[Problem] = []

    def problem(self, path: str, kind: ProblemKind, message: str) -> None:
        self.problems.append(Problem(path, kind, message))

    def accepted(self, span: Span | None) -> Span | None:
        return None if span is None or overlaps(span, self.suspicious) else span

    def name(self, path: str, value: str | None, near: int | None) -> Span | None:
        if value is None or not value.strip():
            return None
        span = self.accepted(locate(value, self.text, near=near))
        if span is None:
            self.problem(path, "name_not_found", f"{path} is not in the article; {_NAME_HINT}: {value!r}")
        return span

    def evidence(self, quotes: list[str]) -> list[Span]:
        spans = []
        for j, quote in enumerate(quotes):
            path = f"evidence[{j}]"
            if len(fold(quote)) < MIN_EVIDENCE_CHARS:
                self.problem(
                    path, "evidence_too_short", f"{path} is too short to identify a passage: {quote!r}"
                )
            elif (span := self.accepted(find_quote(quote, self.text))) is None:
                message = f"{path} is not in the article; copy the words exactly: {quote!r}"
                self.problem(path, "evidence_not_found", message)
            else:
                spans.append(span)
        return spans

    def claim(self, j: int, claim: CasualtyDraft) -> CasualtyClaim | None:
        path = f"casualties[{j}]"
        span = self.accepted(find_quote(claim.quote, self.text))
        if span is None:
            self.problem(path, "claim_not_found", f"{path}.quote is not in the article: {claim.quote!r}")
            return None
        if not figure_in(claim.count, claim.kind, span.quote):
            message = f"{path}.count {claim.count} is not stated as a {claim.kind} figure in its quote"
            self.problem(path, "claim_figure_absent", message)
            return None
        return CasualtyClaim(
            kind=claim.kind,
            count=claim.count,
            qualifier=claim.qualifier,
            claimed_by=self.name(f"{path}.claimed_by", claim.claimed_by, span.start),
            victims=self.name(f"{path}.victims", claim.victims, span.start),
            quote=span,
        )

    def detention(self, j: int, draft: DetentionDraft) -> Detention | None:
        path = f"detentions[{j}]"
        span = self.accepted(find_quote(draft.quote, self.text))
        found = span is not None and any(
            kind == draft.kind and count == draft.count
            for kind, count, _s, _e in detention_figures(span.quote)
        )
        if span is None or not found:
            message = f"{path}: {draft.count} {draft.kind} is not stated in its quote"
            self.problem(path, "detention_figure_absent", message)
            return None
        return Detention(kind=draft.kind, count=draft.count, qualifier=draft.qualifier, quote=span)

    def location(self, j: int, draft: LocationDraft, near: int | None) -> Location | None:
        path = f"locations[{j}]"
        name, code = resolve_country(draft.country)
        if code is None and draft.country and draft.country.strip():
            self.problem(
                f"{path}.country", "country_unknown", f"{path}.country is not a country: {draft.country!r}"
            )
        country = self.accepted(locate(draft.country, self.text, near=near)) if code else None
        place = self.name(f"{path}.place", draft.place, near)
        if code is None and place is None:
            return None
        return Location(country=country, country_name=name, country_code=code, place=place)


def ground_event(draft: EventDraft, text: str) -> GroundedEvent:
    """Apply every grounding rule to one drafted event (see the module docstring)."""
    g = _Grounder(text)
    evidence = g.evidence(list(draft.evidence))
    near = evidence[0].start if evidence else None
    claims = [kept for j, c in enumerate(draft.casualties) if (kept := g.claim(j, c)) is not None]
    date_text = None
    if draft.date_text is not None and draft.date_text.strip():
        date_text = g.accepted(locate(draft.date_text, text, near=near))
        if date_text is None:
            message = f"date_text is not in the article: {draft.date_text!r}"
            g.problem("date_text", "date_not_found", message)
    locations = [loc for j, d in enumerate(draft.locations) if (loc := g.location(j, d, near)) is not None]
    actor1 = g.name("actor1", draft.actor1, near)
    actor2 = g.name("actor2", draft.actor2, near)
    drafted: list[DetentionDraft] = getattr(draft, "detentions", [])
    detentions = tuple(held for j, d in enumerate(drafted) if (held := g.detention(j, d)) is not None)
    return GroundedEvent(
        draft,
        tuple(evidence),
        tuple(claims),
        date_text,
        tuple(locations),
        actor1,
        actor2,
        tuple(g.problems),
        detentions,
    )
