"""What an analyst can send: one action, a selection in the article as offsets (``SpanIn``).

``Action`` is the union of every action, told apart by its ``action`` field; ``actions.plan``
turns one into corrections.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.events_v3 import SubEventType

from .rules import RejectRule

__all__ = [
    "Accept",
    "Action",
    "AddClaim",
    "AddEvent",
    "AddEvidence",
    "AddPlace",
    "Done",
    "Reject",
    "Remove",
    "Reopen",
    "SetClaimPart",
    "SetCountry",
    "SetSpan",
    "SetType",
    "SpanIn",
    "Undecide",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpanIn(_Model):
    """A selection in the article: offsets, and optionally the words the analyst saw there."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str | None = Field(
        default=None, description="If given, must be the article's text at [start:end]."
    )


class Accept(_Model):
    action: Literal["accept"]
    event: int


class Reject(_Model):
    action: Literal["reject"]
    event: int
    rule: RejectRule = Field(description="Why: a rule of evals/GUIDELINES.md's exclusion list.")


class Undecide(_Model):
    action: Literal["undecide"]
    event: int


class SetType(_Model):
    action: Literal["set-type"]
    event: int
    event_type: SubEventType


class SetSpan(_Model):
    action: Literal["set"]
    event: int
    field: Literal["actor1", "actor2", "date"]
    span: SpanIn | None = Field(description="null clears the field.")


class AddPlace(_Model):
    action: Literal["add-place"]
    event: int
    span: SpanIn


class SetCountry(_Model):
    action: Literal["set-country"]
    event: int
    index: int = Field(ge=0, description="The location's index in the record.")
    country: str = Field(max_length=100, description="ISO 3166 alpha-3 code or English name.")


class AddClaim(_Model):
    action: Literal["add-claim"]
    event: int
    span: SpanIn = Field(description="The words that state the figure.")
    kind: Literal["killed", "injured"] | None = Field(default=None, description="Default: the figure's own.")
    claimed_by: SpanIn | None = None
    victims: SpanIn | None = None


class SetClaimPart(_Model):
    action: Literal["set-claim"]
    event: int
    index: int = Field(ge=0, description="The claim's index in the record.")
    part: Literal["claimed_by", "victims"]
    span: SpanIn | None = Field(description="null clears it.")


class AddEvidence(_Model):
    action: Literal["add-evidence"]
    event: int
    span: SpanIn


class Remove(_Model):
    action: Literal["remove"]
    event: int
    field: Literal["locations", "casualties", "evidence"]
    index: int = Field(ge=0)


class AddEvent(_Model):
    action: Literal["add-event"]
    event_type: SubEventType
    evidence: SpanIn = Field(description="The words that state the event happened.")


class Done(_Model):
    action: Literal["done"]


class Reopen(_Model):
    action: Literal["reopen"]


Action = Annotated[
    Accept | Reject | Undecide | SetType | SetSpan | AddPlace | SetCountry | AddClaim | SetClaimPart
    | AddEvidence | Remove | AddEvent | Done | Reopen,
    Field(discriminator="action"),
]  # fmt: skip
