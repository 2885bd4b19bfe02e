"""The party holding a place: a place acted on stands for whoever holds it ("the offices of the
movement", "sites used by X")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["holder"]

#: Places a party holds: acted on, they stand for that party.
_HELD: Final = frozenset(
    {"headquarters", "headquarter", "facility", "site", "base", "depot", "position", "camp", "compound",
     "office", "stronghold", "hideout", "outpost"}
)  # fmt: skip
#: Participles that name who holds a place ("used by", "belonging to", "linked to").
_HOLDING: Final = frozenset({"use", "belong", "link", "control", "run", "operate", "hold", "own", "occupy"})


def holder(target: Token) -> Token:
    """A place acted on that a party holds ("the offices of the movement", "sites used by X")."""
    if target.lemma_.lower() not in _HELD:
        return target
    for child in target.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            obj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if obj is not None and (obj.ent_type_ in {"ORG", "NORP", "PERSON"} or obj.pos_ == "PROPN"):
                return obj
        if child.dep_ == "acl" and child.lemma_.lower() in _HOLDING:
            obj = next(
                (
                    g
                    for p in child.children
                    if p.lower_ in {"by", "to"}
                    for g in p.children
                    if g.dep_ == "pobj"
                ),
                None,
            )
            if obj is not None:
                return obj
    return target
