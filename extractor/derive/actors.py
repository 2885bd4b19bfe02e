"""ACLED's actor categories, inter codes, interaction and civilian targeting, from an actor's words.

An actor is classified by the head of its name and what stands before it (ACLED codebook 2023,
"Actor types"): armed forces of a state ("police", "the army", "Polish jets", a country acting)
are *State forces*; "rebels", "insurgents", "jihadists" *Rebel groups*; "militia", "gunmen", an
unnamed "armed group" *Political militias*; an ethnic, tribal, clan or communal militia and
vigilantes *Identity militias*; "rioters", a "mob" *Rioters*; "protesters", "demonstrators" *Protesters*;
people who are not armed ("villagers", "students", "a journalist") *Civilians*; peacekeepers,
private security and contractors *External/Other forces*.

The event type decides what the words cannot, as ACLED codes it: the demonstrators of a protest are
Protesters and those of a riot Rioters, the protesters hit by excessive force are Protesters, and
the target of violence against civilians is Civilians.
"""

from __future__ import annotations

import re
from typing import Final

from schemas.events_v3 import ACTOR_CATEGORIES, ActorCategory, SubEventType

from .acled import acled_categories
from .countries import resolve_country

__all__ = ["acled_actor_codes", "actor_category", "inter_code", "interaction_code"]

_PATTERNS: Final[tuple[tuple[ActorCategory, str], ...]] = (
    ("External/Other forces", r"peacekeep\w*|private\s+security|security\s+contractors?|mercenar\w+"),
    (
        "Identity militias",
        r"(?:ethnic|tribal|clan|communal|sectarian)\s+(?:\w+\s+)?militia\w*|vigilantes?",
    ),
    ("Rebel groups", r"rebels?|insurgents?|guerrillas?|jihadists?|separatists?|islamists?|insurgency"),
    (
        "State forces",
        r"police\w*|army|armies|military|militaries|soldiers?|troops?|forces|navy|air\s+force|marines?"
        r"|gendarme\w*|national\s+guard|security\s+(?:forces|services|personnel|agents?)|officers?"
        r"|government|regime|authorities|coast\s+guard|border\s+guards?|commandos?|jets?|warplanes?|drones?"
        r"|aircraft|artillery|tanks?|special\s+forces|intelligence\s+services?|ministry",
    ),
    (
        "Political militias",
        r"militia\w*|militants?|gunm[ae]n|armed\s+(?:group|men|assailants?)|gangs?|fighters|assailants?",
    ),
    ("Rioters", r"rioters?|mobs?|looters?|hooligans?"),
    ("Protesters", r"protest\w*|demonstrators?|marchers?|strikers?"),
    (
        "Civilians",
        r"civilians?|villagers?|residents?|worshipp?ers?|students?|pupils?|passengers?|women|children|farmers?"
        r"|herders?|traders?|shoppers?|pilgrims?|journalists?|reporters?|aid\s+workers?|families|family|teachers?"
        r"|patients?|mourners?|refugees?|migrants?|activists?|politicians?|ambassadors?|diplomats?|priests?"
        r"|imams?|people|persons?|men|man|woman|boys?|girls?|youths?|drivers?|workers?|doctors?|nurses?"
        r"|contractors?|employees?|staff|teenagers?|minors?|elders?|chiefs?|businessm[ae]n|shopkeepers?",
    ),
)
_WORDS: Final = tuple((c, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for c, p in _PATTERNS)
_NATION_ADJECTIVE: Final = re.compile(r"^[A-Z][a-z]+(?:ian|ese|ish|i|an|ic)$")
_CROWD_TYPES: Final = frozenset({"Peaceful protest", "Protest with intervention"})
_RIOT_TYPES: Final = frozenset({"Violent demonstration", "Mob violence"})


def _from_words(name: str) -> ActorCategory | None:
    for category, pattern in _WORDS:
        if pattern.search(name):
            return category
    _country, code = resolve_country(name)
    if code is not None or _NATION_ADJECTIVE.match(name.strip()):
        return "State forces"  # a country acting, or its forces named by their nationality ("Polish")
    return None


def actor_category(name: str | None, event_type: SubEventType, *, target: bool) -> ActorCategory | None:
    """ACLED's category of an actor ``name`` in an event of ``event_type`` (``target``: it is actor2)."""
    if name is None or not name.strip():
        return None
    acled_type = acled_categories(event_type)[0]
    if not target and event_type in _CROWD_TYPES:
        return "Protesters"
    if not target and event_type in _RIOT_TYPES:
        return "Rioters"
    if target and event_type == "Excessive force against protesters":
        return "Protesters"
    found = _from_words(name)
    if target and acled_type == "Violence against civilians" and found in {None, "Civilians"}:
        return "Civilians"
    return found


def inter_code(category: ActorCategory | None) -> int | None:
    """ACLED's inter code (1-8) of a category."""
    return None if category is None else ACTOR_CATEGORIES.index(category) + 1


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction: both codes, lower first (17); one actor alone: its code then 0 (60)."""
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    if not codes:
        return None
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def acled_actor_codes(
    actor1: str | None, actor2: str | None, event_type: SubEventType
) -> tuple[ActorCategory | None, ActorCategory | None, int | None, int | None, int | None, bool]:
    """(category1, category2, inter1, inter2, interaction, civilian_targeting) for an event's actors."""
    first = actor_category(actor1, event_type, target=False)
    second = actor_category(actor2, event_type, target=True)
    inter1, inter2 = inter_code(first), inter_code(second)
    targeting = second == "Civilians" or (
        acled_categories(event_type)[0] == "Violence against civilians" and actor2 is None
    )
    return first, second, inter1, inter2, interaction_code(inter1, inter2), targeting
