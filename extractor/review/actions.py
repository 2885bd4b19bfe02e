"""What an analyst can do to an article's records, and the corrections each action makes.

Every value an action sets comes from the article: a selection is sent as offsets (and,
optionally, the words the analyst saw), checked against the article's text and trimmed of
surrounding whitespace; anything else is refused with an ``InputError`` naming the field. Code
derives the rest as the pipeline does: a selected date expression is resolved against the
publication date, a selected casualty figure is read by the same casualty-figure rules as the
machine's claims, a selected country is recognised with ISO 3166.
"""

from __future__ import annotations

import re
from typing import Any, Final

from pydantic import BaseModel

from schemas.events_v3 import CasualtyClaim, Event, EventDate, Location, Span

from ..derive import acled_categories, casualty_figures, resolve_country, resolve_date
from ..errors import InputError
from .requests import (
    Accept,
    AddClaim,
    AddEvent,
    AddEvidence,
    AddPlace,
    Done,
    Reject,
    Remove,
    Reopen,
    SetClaimPart,
    SetCountry,
    SetSpan,
    SetType,
    SpanIn,
    Undecide,
)
from .state import ArticleReview, Correction, ReviewedEvent

__all__ = ["plan", "span_of"]

_AT_LEAST: Final = re.compile(r"\b(?:at\s+least|more\s+than|over|upwards\s+of|no\s+fewer\s+than)\s*$", re.I)
_ABOUT: Final = re.compile(r"\b(?:about|around|nearly|some|approximately|almost|roughly|up\s+to)\s*$", re.I)


def span_of(text: str, selection: SpanIn, where: str) -> Span:
    """The article's span at the selection, trimmed of whitespace; InputError if it is not the text."""
    start, end = selection.start, selection.end
    if not start < end <= len(text):
        raise InputError(
            f"{where}: [{start}:{end}] is not a selection of the article ({len(text)} characters)"
        )
    if selection.quote is not None and text[start:end] != selection.quote:
        raise InputError(f"{where}: the article's text at [{start}:{end}] is not {selection.quote!r}")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise InputError(f"{where}: the selection holds no words")
    return Span(quote=text[start:end], start=start, end=end, alignment="exact")


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def _change(entry: ReviewedEvent, field: str, new: Any) -> Correction:
    old = getattr(entry.event, field)
    return Correction(event=entry.number, field=field, old=_dump(old), new=_dump(new))


def _claim(text: str, action: AddClaim) -> CasualtyClaim:
    quote = span_of(text, action.span, "span")
    figures = [f for f in casualty_figures(quote.quote) if action.kind in (None, f.kind)]
    if not figures:
        wanted = f"{action.kind} " if action.kind else ""
        raise InputError(f"span: {quote.quote!r} states no {wanted}casualty figure")
    figure = figures[0]
    before = quote.quote[: figure.start]
    qualifier = (
        "at_least" if _AT_LEAST.search(before) else "approximate" if _ABOUT.search(before) else "exact"
    )
    return CasualtyClaim(
        kind=figure.kind,
        count=figure.value,
        qualifier=qualifier,
        claimed_by=span_of(text, action.claimed_by, "claimed_by") if action.claimed_by else None,
        victims=span_of(text, action.victims, "victims") if action.victims else None,
        quote=quote,
    )


def _add_place(locations: list[Location], span: Span) -> list[Location]:
    """A selected country completes the last location without a country, a selected place the last
    one with a country but no place; otherwise the selection starts a new location."""
    name, code = resolve_country(span.quote)
    changed = list(locations)
    for i in reversed(range(len(changed))):
        location = changed[i]
        if code is not None and location.country_code is None:
            changed[i] = location.model_copy(
                update={"country": span, "country_name": name, "country_code": code}
            )
            return changed
        if code is None and location.place is None:
            changed[i] = location.model_copy(update={"place": span})
            return changed
    if code is not None:
        return [*changed, Location(country=span, country_name=name, country_code=code)]
    return [*changed, Location(place=span)]


def _entry(review: ArticleReview, number: int) -> ReviewedEvent:
    entry = review.find(number)
    if entry is None:
        raise InputError(f"event: the article has no event {number}")
    return entry


def _done(review: ArticleReview) -> Correction:
    problems = []
    for entry in review.events:
        if entry.status == "proposed":
            problems.append(f"event {entry.number} is neither accepted nor rejected")
        elif entry.status == "accepted":
            if entry.event.date.value is None:
                problems.append(f"event {entry.number} has no date: select it, or reject the event "
                                "('3.7: date unresolvable')")  # fmt: skip
            problems += [
                f"event {entry.number}: location {i + 1} has no country: set one"
                for i, loc in enumerate(entry.event.locations)
                if loc.country_code is None
            ]
    if problems:
        raise InputError("the article cannot be marked reviewed yet: " + "; ".join(problems))
    return Correction(event=None, field="done", old=review.done, new=True)


def plan(review: ArticleReview, action: Any, text: str) -> list[Correction]:
    """The corrections ``action`` makes to ``review`` of the article ``text`` (InputError if it cannot)."""
    if isinstance(action, Done):
        return [_done(review)]
    if isinstance(action, Reopen):
        return [Correction(event=None, field="done", old=review.done, new=False)]
    if isinstance(action, AddEvent):
        span = span_of(text, action.evidence, "evidence")
        acled_type, disorder = acled_categories(action.event_type)
        record = Event(
            event_type=action.event_type,
            acled_event_type=acled_type,
            disorder_type=disorder,
            date=EventDate(),
            evidence=[span],
        )
        number = max((e.number for e in review.events), default=0) + 1
        return [Correction(event=number, field="event", new=record.model_dump(mode="json"))]
    entry = _entry(review, action.event)
    event = entry.event
    if isinstance(action, Accept | Reject | Undecide):
        status = {Accept: "accepted", Reject: "rejected", Undecide: "proposed"}[type(action)]
        new = {"status": status, "rule": action.rule} if isinstance(action, Reject) else {"status": status}
        old = {"status": entry.status, "rule": entry.rule} if entry.rule else {"status": entry.status}
        return [Correction(event=entry.number, field="decision", old=old, new=new)]
    if isinstance(action, SetType):
        return [_change(entry, "event_type", action.event_type)]
    if isinstance(action, SetSpan):
        chosen = span_of(text, action.span, "span") if action.span is not None else None
        if action.field != "date":
            return [_change(entry, action.field, chosen)]
        resolved = resolve_date(chosen.quote if chosen else None, review.published)
        return [
            _change(entry, "date", EventDate(text=chosen, value=resolved.value, precision=resolved.precision))
        ]
    if isinstance(action, AddPlace):
        return [_change(entry, "locations", _add_place(event.locations, span_of(text, action.span, "span")))]
    if isinstance(action, SetCountry):
        if action.index >= len(event.locations):
            raise InputError(f"index: event {entry.number} has no location {action.index}")
        name, code = resolve_country(action.country)
        if code is None:
            raise InputError(f"country: {action.country!r} is not an ISO 3166 country")
        changed = list(event.locations)
        changed[action.index] = changed[action.index].model_copy(
            update={"country_name": name, "country_code": code}
        )
        return [_change(entry, "locations", changed)]
    if isinstance(action, AddClaim):
        return [_change(entry, "casualties", [*event.casualties, _claim(text, action)])]
    if isinstance(action, SetClaimPart):
        if action.index >= len(event.casualties):
            raise InputError(f"index: event {entry.number} has no claim {action.index}")
        part = span_of(text, action.span, "span") if action.span is not None else None
        claims = list(event.casualties)
        claims[action.index] = claims[action.index].model_copy(update={action.part: part})
        return [_change(entry, "casualties", claims)]
    if isinstance(action, AddEvidence):
        return [_change(entry, "evidence", [*event.evidence, span_of(text, action.span, "span")])]
    if isinstance(action, Remove):
        values = list(getattr(event, action.field))
        if action.index >= len(values):
            raise InputError(f"index: event {entry.number} has no {action.field} entry {action.index}")
        if action.field == "evidence" and len(values) == 1:
            raise InputError("index: a record keeps at least one evidence span; add another first")
        del values[action.index]
        return [_change(entry, action.field, values)]
    raise InputError(f"action: unknown action {action!r}")
