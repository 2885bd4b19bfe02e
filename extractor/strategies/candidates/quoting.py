"""Open adjudication (events.v6, ``answers: options-or-quotes``): an option, or the article's words.

With events.v5 an adjudicator may only choose among code's candidates, so where code's candidates
miss the right value (a town named in another sentence, a target the parse did not attach, a date
given in the paragraph before) no answer can be right (the ceiling of ``evals/ceiling.py``).
Here each of ``actor1``, ``actor2``, ``date`` and ``place`` is answered with the id of one of
code's options (``a1``, ``b2``, ``d1``, ``p1``: the field's letter and the option's rank), with
``"none"``, or, when no option is right, with the article's own words (at most
``MAX_QUOTE_CHARS``). The event type stays a choice among code's ranked types.

Nothing quoted is trusted: the words go into the draft as written and the one grounding rule set
(``extractor.grounding``) locates them in the article (nearest the event's sentence) or sets the
field to null with a diagnostic. An id that is not an option of its field is a validation error
the LLM is re-asked with. The data block holds the article, then the candidates with their
options (the article's own words, listed as data).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Final, Literal, Self, cast

from pydantic import BaseModel, StringConstraints, create_model, model_validator

from schemas.events_v3 import EventDraft, LocationDraft

from ...grounding import locate
from .adjudicate import MAX_ADJUDICATED, NONE, _Compact
from .mentions import Mention
from .places import country_of_place, country_of_text

__all__ = [
    "FIELDS",
    "MAX_QUOTE_CHARS",
    "OpenChoice",
    "open_choices",
    "open_draft",
    "open_listing",
    "open_model",
    "open_options",
]

#: The open fields and the letter of their options' ids.
FIELDS: Final = {"actor1": "a", "actor2": "b", "date": "d", "place": "p"}
#: A quote is a name, a place or a date expression, never a passage.
MAX_QUOTE_CHARS: Final = 120
_ID: Final = re.compile(r"[abdp][0-9]+")
_MAX_SENTENCE_CHARS: Final = 400
#: What separates the article from the candidates in the data block.
CANDIDATES_HEADER: Final = "CANDIDATES (one sentence of the article each, then the options for its fields)"

Quote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUOTE_CHARS)]


def _place(country: str, place: str | None) -> str:
    if place and country:
        return f"{place} ({country})"
    return place or country


def open_options(mention: Mention) -> dict[str, tuple[str, ...]]:
    """The options of each open field of ``mention``, code's ranking first (``<letter><rank>`` ids)."""
    return {
        "actor1": mention.actors1,
        "actor2": mention.actors2,
        "date": mention.dates,
        "place": tuple(_place(country, place) for country, place in mention.locations),
    }


def _ids(field: str, options: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{FIELDS[field]}{k}" for k in range(1, len(options) + 1))


def open_listing(article: str, mentions: Sequence[Mention]) -> str:
    """The data block: the article, then each candidate's sentence and its options with their ids."""
    lines = [article.strip(), "", CANDIDATES_HEADER]
    for j, mention in enumerate(mentions[:MAX_ADJUDICATED], start=1):
        lines.append(f"m{j}: {mention.evidence[0][:_MAX_SENTENCE_CHARS]}")
        for field, options in open_options(mention).items():
            listed = " | ".join(f'{i} "{o}"' for i, o in zip(_ids(field, options), options, strict=True))
            lines.append(f"  {field}: {listed or '(no option found)'}")
    return "\n".join(lines)


class _OpenItem(_Compact):
    """One candidate's answer; ``ids`` (per field) is set on each class ``open_model`` builds."""

    ids: ClassVar[dict[str, frozenset[str]]] = {}

    @model_validator(mode="after")
    def _known_ids(self) -> Self:
        for field in FIELDS:
            value = getattr(self, field)
            known = self.ids.get(field, frozenset())
            if _ID.fullmatch(value) and value not in known:
                offered = ", ".join(sorted(known)) or "no option"
                raise ValueError(
                    f"{field} {value!r} is not one of its options ({offered}); answer one of them, "
                    f'"{NONE}", or the article\'s exact words'
                )
        return self


def open_model(mentions: Sequence[Mention]) -> type[BaseModel]:
    """The response model: per mention ``m<j>``, ``is_event``, ``event_type`` (an enum) and, for each
    open field, an option id, ``"none"`` or a quote."""
    fields: dict[str, Any] = {}
    for j, mention in enumerate(mentions[:MAX_ADJUDICATED], start=1):
        item_fields: dict[str, Any] = {
            "is_event": (bool, ...),
            "event_type": (Literal.__getitem__(tuple(mention.types)), ...),
        }
        ids: dict[str, frozenset[str]] = {}
        for field, options in open_options(mention).items():
            allowed = _ids(field, options)
            ids[field] = frozenset(allowed)
            item_fields[field] = (Literal.__getitem__((*allowed, NONE)) | Quote, ...)
        item: Any = create_model(f"M{j}", __base__=_OpenItem, **item_fields)
        item.ids = ids
        fields[f"m{j}"] = (item, ...)
    return cast(type[BaseModel], create_model("OpenAdjudication", __base__=_Compact, **fields))


@dataclasses.dataclass(frozen=True)
class OpenChoice:
    """What the LLM answered for one mention: the type, and per open field an id, ``"none"`` or a quote."""

    is_event: bool
    event_type: str
    answers: dict[str, str]


def open_choices(validated: BaseModel | None, count: int) -> list[OpenChoice | None] | None:
    """The answer for each of ``count`` mentions, or ``None`` when there is no usable answer."""
    if validated is None:
        return None
    out: list[OpenChoice | None] = []
    for j in range(1, count + 1):
        raw = getattr(validated, f"m{j}", None)
        if raw is None:
            out.append(None)
            continue
        answers = {field: str(getattr(raw, field)) for field in FIELDS}
        out.append(OpenChoice(is_event=bool(raw.is_event), event_type=str(raw.event_type), answers=answers))
    return out if any(c is not None for c in out) else None


def _location(quote: str, text: str) -> LocationDraft:
    """A quoted place: a country when it names one, else a place with the country it implies.

    Only the article's own words imply anything: a quote the article does not say goes in alone
    as the place (no country inferred from it), and grounding drops it with its diagnostic.
    """
    if locate(quote, text) is None:
        return LocationDraft(country="", place=quote)
    if country_of_text(quote):
        return LocationDraft(country=quote, place=None)
    return LocationDraft(country=country_of_place(quote) or "", place=quote)


def open_draft(
    code: EventDraft, mention: Mention, choice: OpenChoice, where: str, text: str
) -> tuple[EventDraft, list[str]]:
    """``code``'s draft for ``mention`` (of the article ``text``) with the LLM's answers applied,
    and a note per quote used.

    An id takes that option (the date's basis is kept only for code's own first date), ``"none"``
    empties the field, a quote is put in as written: grounding locates it or drops it.
    """
    update: dict[str, Any] = {}
    notes: list[str] = []
    if choice.event_type in mention.types:
        update["event_type"] = choice.event_type
    options = open_options(mention)
    for field, answer in choice.answers.items():
        value: str | None
        if answer == NONE:
            value, rank = None, None
        elif answer in _ids(field, options[field]):
            rank = int(answer[1:]) - 1
            value = options[field][rank]
        else:
            value, rank = answer, None
            notes.append(
                f"{where}.{field}: the adjudicator quoted {answer!r}, which is none of code's options"
            )
        if field == "date":
            update["date_text"] = mention.dates[rank] if rank is not None else value
            update["date_basis"] = code.date_basis if rank == 0 else None
        elif field == "place":
            if rank is not None:
                country, place = mention.locations[rank]
                update["locations"] = [LocationDraft(country=country, place=place)]
            else:
                update["locations"] = [] if value is None else [_location(value, text)]
        else:
            update[field] = value
    return code.model_copy(update=update), notes
