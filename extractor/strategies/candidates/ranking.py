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
    "Disrupted weapons use",
    "Suicide bomb",
    "Chemical weapon",
    "Air/drone strike",
    "Grenade",
    "Remote explosive/landmine/IED",
    "Shelling/artillery/missile attack",
)
_FORCE_ON_PROTEST: Final = re.compile(
    r"\b(?:killed|shot|live\s+(?:ammunition|rounds|fire|bullets)|opened\s+fire|died|dead|beat(?:en|ing)?|wounded"
    r"|injur\w*|brutali[sz]\w*|assault\w*|tortur\w*)\b",
    re.I,
)
_INTERVENTION: Final = re.compile(
    r"\b(?:tear[\s-]?gas|dispers(?:ed|e)|water\s+cannons?|rubber\s+bullets|arrested|detained|broke\s+up"
    r"|batons?|stun\s+grenades?)\b",
    re.I,
)
_VIOLENT_PROTEST: Final = re.compile(
    r"\b(?:riot\w*|stones?|rocks|torched|set\s+fire|burn(?:ed|t|ing)|clash(?:ed|es)|vandali[sz]\w*|petrol\s+bombs?"
    r"|molotov|loot\w*|smash\w*|attack\w*|pelt\w*|hurl\w*|threw|violent\w*|violence|damag\w*|ablaze|block\w*"
    r"|ransack\w*|stormed|rampag\w*)\b",
    re.I,
)


_STATE: Final = re.compile(
    r"\b(?:army|troops|government|military|soldiers|security\s+forces|police|regime|forces)\b", re.I
)
_NON_STATE: Final = re.compile(
    r"\b(?:militants?|rebels?|insurgents?|jihadists?|fighters|militias?|militiamen|extremists?|terrorists?"
    r"|gunmen|bandits|separatists?|guerrillas?|armed\s+groups?)\b",
    re.I,
)
_PEACEFUL_TRANSFER: Final = re.compile(
    r"\bwithout\s+(?:a\s+)?(?:fight|resistance|a\s+shot)|\bpeaceful(?:ly)?\b|\bhand(?:ed|s)?\s*over\b", re.I
)
_ATTRIBUTION: Final = re.compile(r"\b[\w-]+\s+(?:said|says|say|told|reported|added)\b", re.I)
_TERRITORY: Final = frozenset({"Government regains territory", "Non-state actor overtakes territory"})


def _territory_type(sentence: str, named: SubEventType) -> SubEventType:
    """Who took the place decides: the state regains it, a non-state group overtakes it."""
    if _PEACEFUL_TRANSFER.search(sentence):
        return "Non-violent transfer of territory"
    state, non_state = _STATE.search(sentence), _NON_STATE.search(sentence)
    if state and (not non_state or state.start() < non_state.start()):
        return "Government regains territory"
    if non_state:
        return "Non-state actor overtakes territory"
    return named


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
    if FORCES.search(_ATTRIBUTION.sub(" ", sentence)):  # "police said" names a source, not a party
        return "Armed clash", "Attack"
    return "Attack", "Armed clash"


def _typed(trigger: Trigger, sentence: str) -> list[SubEventType]:
    if trigger.tier == PROTEST and trigger.event_type == "Peaceful protest":
        return [_protest_type(sentence), "Peaceful protest"]
    if trigger.tier == GENERIC:
        return list(_generic_types(sentence))
    if trigger.event_type in _TERRITORY:
        return [_territory_type(sentence, trigger.event_type), trigger.event_type]
    return [trigger.event_type]


def rank_types(triggers: Sequence[Trigger], sentence: str) -> tuple[SubEventType, ...]:
    """The shortlist for a sentence whose factual triggers are ``triggers`` (best first)."""
    if not triggers:
        return ()
    ordered = sorted(triggers, key=lambda t: (t.tier, _mode_rank(t)))
    if ordered[0].tier != MODE and any(t.tier == PROTEST for t in triggers):
        # protesters clashing or attacked: the protest family decides, not the generic violence words
        ordered.sort(key=lambda t: (t.tier != PROTEST, t.tier))
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
