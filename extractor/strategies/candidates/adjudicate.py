"""Adjudication: one short, schema-constrained request per article; the LLM chooses among candidates.

For every mention (at most ``MAX_ADJUDICATED``) the request lists its sentence; the response model
has one object per mention whose fields are ``enum``s built for this request: ``is_event``
(confirm or reject), ``event_type``, ``actor1`` and ``actor2`` (``"none"`` where none fits); the
date stays code's. The model cannot answer anything that is not a
candidate; the listing is the data (appended by code between BEGIN/END lines, never templated).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Final, Literal, cast

from pydantic import BaseModel, ConfigDict, create_model

from schemas.cached import CachedSchemaModel

from .mentions import Mention

__all__ = ["MAX_ADJUDICATED", "NONE", "Choice", "adjudication_model", "listing", "options_of"]

MAX_ADJUDICATED: Final = 12
NONE: Final = "none"
_MAX_SENTENCE_CHARS: Final = 400
Order = Literal["ranked", "reversed", "shuffled"]


class Choice(BaseModel):
    """What the LLM decided for one mention (values are candidates, or ``"none"``)."""

    is_event: bool
    event_type: str
    actor1: str = NONE
    actor2: str = NONE


def _safe(value: str) -> str:
    """Enum values a grammar-constrained server can take (see ``sentences.grammar_safe``)."""
    return value.replace('"', "\u201d").replace("\\", "/")


def _ordered(values: Sequence[str], order: Order, seed: int) -> tuple[str, ...]:
    out = list(dict.fromkeys(_safe(v) for v in values))
    if order == "reversed":
        out.reverse()
    elif order == "shuffled":
        random.Random(seed).shuffle(out)
    return tuple(out)


def options_of(mention: Mention, order: Order = "ranked", seed: int = 0) -> dict[str, tuple[str, ...]]:
    """The options offered for ``mention``: types and actors, in ``order`` (code's is "ranked").

    The date is left to code (the expression nearest the trigger): it keeps the request short.
    """
    return {
        "event_type": _ordered(mention.types, order, seed),
        "actor1": _ordered([*mention.actors1, NONE], order, seed + 1),
        "actor2": _ordered([*mention.actors2, NONE], order, seed + 2),
    }


def _untitled(schema: dict[str, Any]) -> None:
    """Drop the ``title`` pydantic gives every property: the schema is sent with the request."""
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


_COMPACT: Final = ConfigDict(json_schema_extra=_untitled)


class _Compact(CachedSchemaModel):
    """Base of the adjudication models: no titles in the schema, which is built once per model."""

    model_config = _COMPACT


def listing(mentions: Sequence[Mention]) -> str:
    """The data part of the request: each mention's sentence (its options are the schema's enums)."""
    return "\n".join(
        f"m{j}: {mention.evidence[0][:_MAX_SENTENCE_CHARS]}"
        for j, mention in enumerate(mentions[:MAX_ADJUDICATED], start=1)
    )


def adjudication_model(mentions: Sequence[Mention], order: Order = "ranked") -> type[BaseModel]:
    """The response model for ``mentions``: one object ``m<j>`` per mention, every field an enum."""
    fields: dict[str, Any] = {}
    for j, mention in enumerate(mentions[:MAX_ADJUDICATED], start=1):
        options = options_of(mention, order, j)
        literal: dict[str, Any] = {name: Literal.__getitem__(values) for name, values in options.items()}
        # No descriptions: the schema is sent with the request, and the system prompt explains the fields.
        item_fields: dict[str, Any] = {"is_event": (bool, ...), **{k: (v, ...) for k, v in literal.items()}}
        item: Any = create_model(f"M{j}", __base__=_Compact, **item_fields)
        fields[f"m{j}"] = (item, ...)
    model = create_model("Adjudication", __base__=_Compact, **fields)
    return cast(type[BaseModel], model)


def choices(validated: BaseModel | None, count: int) -> list[Choice | None] | None:
    """The decision for each of ``count`` mentions, or ``None`` when there is no usable answer."""
    if validated is None:
        return None
    out: list[Choice | None] = []
    for j in range(1, count + 1):
        raw = getattr(validated, f"m{j}", None)
        out.append(None if raw is None else Choice.model_validate(raw.model_dump()))
    return out if any(c is not None for c in out) else None
