"""A ranked shortlist of ACLED sub-event types for one sentence, by ACLED's precedence.

The strongest tier present decides (see ``lexicon``); within the protest family the kind of
response decides (force used on protesters, an intervention, violence by the protesters); generic
violence is "Attack" when civilians are the target and "Armed clash" when armed parties fight.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from schemas.events_v1 import SubEventType

from .lexicon import CIVILIAN_TARGET, FORCES, GENERIC, MODE, PROTEST, Trigger

__all__ = ["SHORTLIST", "rank_types"]

#: How many types the LLM may choose among.
SHORTLIST: Final = 4
#: Among named modes, which decides when several are named in one sentence.
_MODE_ORDER: Final[tuple[SubEventType, ...]] = (
    "Suicide bomb",
    "Chemical weapon",
    "Air/drone strike",
    "Grenade",
    "Remote explosive/landmine/IED",
    "Shelling/artillery/missile attack",
)
_FORCE_ON_PROTEST: Final = re.compile(
    r"\b(?:killed|shot|live\s+(?:ammunition|rounds|fire)|opened\s+fire|died|dead|beat(?:en)?|wounded)\b", re.I
)
_INTERVENTION: Final = re.compile(
    r"\b(?:tear[\s-]?gas|dispers(?:ed|e)|water\s+cannons?|rubber\s+bullets|arrested|detained|broke\s+up"
    r"|batons?|stun\s+grenades?)\b",
    re.I,
)
_VIOLENT_PROTEST: Final = re.compile(
    r"\b(?:riot\w*|stones?|rocks|torched|set\s+fire|burn(?:ed|t|ing)|clash(?:ed|es)|vandali[sz]ed|petrol\s+bombs?"
    r"|molotov|looted|smashed|attacked\s+police)\b",
    re.I,
)


def _protest_type(sentence: str) -> SubEventType:
    if _FORCE_ON_PROTEST.search(sentence):
        return "Excessive force against protesters"
    if _VIOLENT_PROTEST.search(sentence):
        return "Violent demonstration"
    if _INTERVENTION.search(sentence):
        return "Protest with intervention"
    return "Peaceful protest"


def _generic_types(sentence: str) -> tuple[SubEventType, SubEventType]:
    if CIVILIAN_TARGET.search(sentence):
        return "Attack", "Armed clash"
    if FORCES.search(sentence):
        return "Armed clash", "Attack"
    return "Attack", "Armed clash"


def _typed(trigger: Trigger, sentence: str) -> list[SubEventType]:
    if trigger.tier == PROTEST and trigger.event_type == "Peaceful protest":
        return [_protest_type(sentence), "Peaceful protest"]
    if trigger.tier == GENERIC:
        return list(_generic_types(sentence))
    return [trigger.event_type]


def rank_types(triggers: Sequence[Trigger], sentence: str) -> tuple[SubEventType, ...]:
    """The shortlist for a sentence whose factual triggers are ``triggers`` (best first)."""
    if not triggers:
        return ()
    ordered = sorted(triggers, key=lambda t: (t.tier, _mode_rank(t)))
    ranked: list[SubEventType] = []
    for trigger in ordered:
        for event_type in _typed(trigger, sentence):
            if event_type not in ranked:
                ranked.append(event_type)
    for fallback in _generic_types(sentence):
        if fallback not in ranked:
            ranked.append(fallback)
    return tuple(ranked[:SHORTLIST])


def _mode_rank(trigger: Trigger) -> int:
    if trigger.tier == MODE and trigger.event_type in _MODE_ORDER:
        return _MODE_ORDER.index(trigger.event_type)
    return len(_MODE_ORDER)
