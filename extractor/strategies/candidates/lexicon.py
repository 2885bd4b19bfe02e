"""A general conflict trigger lexicon with ACLED's precedence.

Each trigger names the ACLED sub-event type it implies and a *tier*: a named weapon or mode
(air strike, drone, shelling, rocket, IED, grenade, suicide bomb, chemical agent) decides the
type (tier 0); words that name a violent event kind (clash, abduction, sexual violence, taking
territory) come next (tier 1); then an unspecified explosion or bomb (tier 2); protests, riots and
mobs (tier 3); generic violence words (attack, killed, wounded, shot, gunmen, ...) count only when
nothing above is named (tier 4); non-violent developments (arrests, agreements, looting, defused
weapons, ...) only when no violence is named at all (tier 5).
The lexicon is about conflict news in general; it knows no article.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final, NamedTuple

from schemas.events_v1 import SubEventType

__all__ = [
    "CIVILIAN_TARGET",
    "EXPLOSIVE",
    "FORCES",
    "GENERIC",
    "KIND",
    "MODE",
    "NOT_CONFLICT",
    "PROTEST",
    "STRATEGIC",
    "TRIGGERS",
    "Trigger",
    "TriggerHit",
    "find_triggers",
    "is_instrument",
]

MODE, KIND, EXPLOSIVE, PROTEST, GENERIC, STRATEGIC = 0, 1, 2, 3, 4, 5


@dataclasses.dataclass(frozen=True)
class Trigger:
    """One lexicon entry: a pattern (word-bounded, case-insensitive), its type and its tier.

    An *instrument* (a drone, a jet, rockets, a car bomb) names how an event was carried out and
    so decides its type, but does not by itself say that anything happened ("drone patrols",
    "rockets were stored"): a sentence needs an event word besides it.
    """

    pattern: str
    event_type: SubEventType
    tier: int
    instrument: bool = False


def _t(pattern: str, event_type: SubEventType, tier: int, *, instrument: bool = False) -> Trigger:
    return Trigger(pattern, event_type, tier, instrument)


_WEAPON: Final = (
    r"(?:weapons?|arms|ammunition|ammunitions|explosives?|ieds?|bombs?|mines?|grenades?|rifles?|guns?|rockets?"
    r"|missiles?|drones?|devices?|munitions|pistols?|kalashnikovs?|machine\s+guns?|magazines|cartridges"
    r"|rounds\s+of\s+ammunition)"
)
_DISRUPTED: Final = (
    r"(?:found|discovered|recovered|seized|confiscated|unearthed|detected|intercepted|defused|dismantled"
    r"|destroyed|neutrali[sz]ed)"
)

TRIGGERS: Final[tuple[Trigger, ...]] = (
    # ---- tier 0: a named weapon or mode decides the type (a weapon found or defused: disrupted use)
    _t(
        rf"defus(?:ed|ing|al)|(?:dismantl|deactivat|neutrali[sz])\w*\s+(?:\w+\s+){{0,3}}?{_WEAPON}"
        rf"|{_DISRUPTED}\s+(?:\w+\s+){{0,6}}?{_WEAPON}"
        rf"|{_WEAPON}\s+(?:\w+\s+){{0,4}}?(?:were|was|had\s+been|have\s+been)\s+{_DISRUPTED}"
        r"|shot\s+down|bomb\s+(?:disposal|squad)|arms\s+(?:haul|cache)|weapons?\s+caches?|caches?\s+of\s+\w+",
        "Disrupted weapons use",
        MODE,
    ),
    _t(r"suicide[\s-]+(?:bomb(?:er|ers|ing|ings)?|attacks?|blasts?|vests?|car\s+bomb)", "Suicide bomb", MODE),
    _t(r"blew\s+(?:himself|herself|themselves)\s+up", "Suicide bomb", MODE),
    _t(
        r"(?:air|drone|missile)[\s-]?strikes?|air[\s-]?raids?|airstrikes?"
        r"|aerial\s+(?:bombardment|attacks?|bombing)|helicopter\s+attacks?"
        r"|bombed\s+from\s+the\s+air|bombard(?:ed|ment|ments|ing)",
        "Air/drone strike",
        MODE,
    ),
    _t(
        r"drones?|warplanes?|fighter\s+jets?|gunships?|air\s+force\s+(?:jets?|planes?)"
        r"|unmanned\s+aerial\s+vehicles?|uavs?|jets?|aircraft|planes?|helicopters?|aerial",
        "Air/drone strike",
        MODE,
        instrument=True,
    ),
    _t(
        r"chemical(?:\s+(?:weapons?|attacks?|agents?|munitions))?|chlorine|sarin|nerve\s+(?:agents?|gas)|mustard\s+gas"
        r"|toxic\s+gas|poison(?:ous)?\s+gas",
        "Chemical weapon",
        MODE,
    ),
    _t(r"grenade\s+(?:attacks?|blasts?|explosions?)", "Grenade", MODE),
    _t(r"(?:hand\s+)?grenades?", "Grenade", MODE, instrument=True),
    _t(
        r"(?:roadside|car|truck|vehicle|motorcycle|parcel|magnetic|sticky)[\s-]+bomb(?:ings?|\s+attacks?)"
        r"|ied\s+(?:attacks?|blasts?|explosions?)|mines?\s+(?:exploded|blast)|land[\s-]?mine\s+(?:blasts?|explosions?)",
        "Remote explosive/landmine/IED",
        MODE,
    ),
    _t(
        r"(?:roadside|car|truck|vehicle|motorcycle|parcel|magnetic|sticky)[\s-]+bombs?|improvised\s+explosive"
        r"(?:\s+devices?)?|ieds?|vbieds?|land[\s-]?mines?|explosive\s+devices?|booby[\s-]?traps?",
        "Remote explosive/landmine/IED",
        MODE,
        instrument=True,
    ),
    _t(
        r"shell(?:ing|ed)|barrages?|(?:rocket|mortar|missile|artillery)\s+(?:attacks?|fire|strikes?)",
        "Shelling/artillery/missile attack",
        MODE,
    ),
    _t(
        r"shells?|artillery|mortars?|rockets?|missiles?|howitzers?|katyushas?|projectiles?",
        "Shelling/artillery/missile attack",
        MODE,
        instrument=True,
    ),
    # ---- tier 1: words that name an event kind
    _t(
        r"clash(?:es|ed|ing)?|fire[\s-]?fights?|gun[\s-]?(?:fights?|battles?)|shoot[\s-]?outs?|exchange[sd]?\s+(?:of\s+)?fire"
        r"|fought|fighting|battled?|battles|skirmish(?:es|ed)?|engaged\s+(?:in\s+)?(?:combat|fighting)",
        "Armed clash",
        KIND,
    ),
    _t(
        r"(?:re)?captured|retook|recaptured|regained\s+control|liberated|(?:re)?took\s+back",
        "Government regains territory",
        KIND,
    ),
    _t(
        r"seized\s+control|took\s+control|overran|captured\s+the\s+(?:town|city|village)|fell\s+to",
        "Non-state actor overtakes territory",
        KIND,
    ),
    _t(
        r"abduct(?:ed|ion|ions|s)?|kidnap(?:ped|ping|pings|s)?|taken\s+hostage|held\s+hostage|hostages?"
        r"|forcibly\s+disappeared|disappearance",
        "Abduction/forced disappearance",
        KIND,
    ),
    _t(r"rap(?:ed|e|es|ing)|sexual(?:ly)?\s+(?:assault(?:ed)?|violence|abused?)", "Sexual violence", KIND),
    _t(
        r"protest(?:s|ed|ing|ers|ors)?|demonstrat(?:ion|ions|ors|ed|ing)|rall(?:y|ies|ied)|march(?:ed|es)?"
        r"|sit[\s-]ins?|marchers|picket(?:s|ed)?|vigils?"
        r"|(?:supporters|crowds?|thousands|hundreds|dozens)\s+(?:\w+\s+){0,3}?(?:had\s+)?(?:gathered|assembled|turned\s+out"
        r"|took\s+to\s+the\s+streets)",
        "Peaceful protest",
        PROTEST,
    ),
    _t(r"riot(?:s|ed|ing|ers)?|rampage(?:d)?", "Violent demonstration", PROTEST),
    _t(r"mobs?|lynch(?:ed|ing|ings)?|vigilantes?", "Mob violence", PROTEST),
    _t(
        r"arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?|detention|apprehended|rounded\s+up|taken\s+into\s+custody",
        "Arrests",
        STRATEGIC,
    ),
    _t(
        r"ceasefires?|cease-fires?|truces?|(?:peace|ceasefire|cease-fire|truce|power[\s-]sharing)\s+(?:deal|agreement|accord|pact"
        r"|treaty|plan)s?|armistice|prisoner\s+(?:exchange|swap)s?|released\s+(?:\w+\s+){0,3}?(?:hostages|prisoners)"
        r"|(?:signed|agreed\s+(?:to|on)|reached|struck|brokered)\s+(?:\w+\s+){0,3}?(?:deal|agreement|accord|pact|treaty)"
        r"|peace\s+talks|(?:prisoner|hostage)s?\s+(?:exchange|swap)\s+process|exchange\s+(?:process\s+)?of\s+prisoners"
        r"|surrender(?:ed|s)?(?!\s+(?:their|his|her|its)\s+(?:passports?|documents|licen[cs]es?))",
        "Agreement",
        STRATEGIC,
    ),
    _t(
        r"loot(?:ed|ing|ers)?|torched|set\s+(?:fires?\s+(?:to|in|at)|ablaze|on\s+fire)|burn(?:ed|t)\s+(?:down\s+)?(?:houses|homes"
        r"|shops|buildings|vehicles|cars)|vandali[sz](?:ed|ing)|ransack(?:ed|ing)?|demolished|razed"
        r"|(?:pulled|tore|torn|knocked|brought)\s+down|destroyed\s+(?:\w+\s+){0,3}?(?:property|properties|houses|homes"
        r"|shops|buildings|offices|fences?|walls?|gates?)",
        "Looting/property destruction",
        STRATEGIC,
    ),
    _t(
        r"(?:establish\w*|set(?:ting)?\s+up|buil[dt]\w*|open(?:ed|s|ing)?|install\w*|erect\w*)\s+(?:\w+\s+){0,3}?"
        r"(?:bases?|camps?|headquarters|outposts?|posts?|checkpoints?|offices?|positions?)",
        "Headquarters or base established",
        STRATEGIC,
    ),
    _t(
        r"withdr[ae]w\w*|withdrawal|retreat\w*|pull(?:ed|s|ing)?\s+out|(?<!upper\s)hand(?:ed|s|ing)?\s+over|handover"
        r"|without\s+(?:a\s+)?(?:fight|resistance|a\s+shot)",
        "Non-violent transfer of territory",
        STRATEGIC,
    ),
    _t(
        r"deploy(?:ed|s|ing|ment|ments)?|recruit(?:ed|s|ing|ment)?|merg(?:ed|er|es|ing)|pledged\s+allegiance"
        r"|defect(?:ed|ion|ions|s)?|disband(?:ed|s|ing)?|(?:formed|launched)\s+(?:a\s+)?(?:new\s+)?"
        r"(?:group|militia|alliance|coalition|faction|wing|party)|split\s+from|suspend(?:ed|s)?\s+"
        r"(?:its\s+|their\s+)?(?:operations|activities)|reinforcements?",
        "Change to group/activity",
        STRATEGIC,
    ),
    # ---- tier 2: an explosion, bomb or military strike with no named mode
    _t(
        r"(?<!hunger\s)(?<!general\s)(?<!on\s)strikes?",
        "Air/drone strike",
        EXPLOSIVE,
    ),
    _t(
        r"bomb(?:s|ed|ing|ings)?|explosions?|blasts?|explosives?|detonat(?:ed|ion)|exploded",
        "Remote explosive/landmine/IED",
        EXPLOSIVE,
    ),
    # ---- tier 4: generic violence, only when no mode or kind is named
    _t(
        r"attack(?:s|ed|ing|ers)?|assault(?:s|ed)?|ambush(?:es|ed)?|raid(?:s|ed)?|gunfire|opened\s+fire"
        r"|shot\s+(?:dead|and\s+killed)|shoot(?:ing|ings)|shot|stabb(?:ed|ing)|massacre[ds]?|beheaded|execut(?:ed|ion)"
        r"|kill(?:s|ed|ing|ings)?|murder(?:ed|s)?|slain|wounded|injured|dead|died|struck|targeted|hit",
        "Attack",
        GENERIC,
    ),
)

_COMPILED: Final = tuple(
    (re.compile(rf"(?<![\w-])(?:{t.pattern})(?![\w-])", re.IGNORECASE), t) for t in TRIGGERS
)

#: Targets that make generic violence one-sided (ACLED "Attack", violence against civilians).
CIVILIAN_TARGET: Final = re.compile(
    r"\b(?:civilians?|villagers?|residents?|worshipp?ers?|students?|pupils?|passengers?|women|children|farmers?"
    r"|herders?|traders?|shoppers?|pilgrims?|journalists?|aid\s+workers?|families|family|teachers?|patients?"
    r"|mourners?|displaced|refugees?|homes?|market|mosque|church|school|hospital|contractors?|workers?|man|woman"
    r"|men|boys?|girls?|persons?|people|teenagers?|youths?|drivers?|activists?|politicians?|councill?ors?|priests?"
    r"|businessm[ae]n|shopkeepers?|leaders?|villages?|households?|wedding|funeral|bus|passers-by)\b",
    re.IGNORECASE,
)
#: Armed parties: generic violence between them is a battle ("Armed clash").
FORCES: Final = re.compile(
    r"\b(?:soldiers?|troops?|army|military|forces?|police(?:men)?|officers?|militants?|rebels?|insurgents?"
    r"|fighters?|militia(?:s|men)?|jihadists?|guerrillas?|gunmen|checkpoints?|bases?|patrols?|convoys?"
    r"|positions?|garrison|battalion|brigade)\b",
    re.IGNORECASE,
)


#: Deaths and blasts that are not political violence: disasters, accidents, disease and ordinary crime.
NOT_CONFLICT: Final = re.compile(
    r"\b(?:floods?|flooding|earthquakes?|quake|storms?|cyclones?|hurricanes?|typhoons?|landslides?|tsunami"
    r"|drought|heat\s*waves?|lightning|wildfires?|covid(?:-19)?|coronavirus|virus|pandemic|epidemic|outbreak"
    r"|infections?|(?:new|confirmed|covid|virus)\s+cases|accidents?|accidental(?:ly)?|crash(?:ed|es)?|collisions?"
    r"|derail\w*|(?:building|house|roof|bridge|wall|mine)s?\s+collapsed?|drown\w*"
    r"|stampede|gas\s+(?:leak|cylinder)|cylinders?|boilers?|factory|fireworks?|short\s+circuit|fire\s+broke\s+out"
    r"|robbers?|robbery|thie(?:f|ves)|burglar\w*|drugs?|narcotics|smuggl\w*|traffick\w*|dowry|domestic"
    r"|extortion|fraud|poach\w*|mining|miners?|suicide\s+(?:note|by)|took\s+(?:his|her)\s+own\s+life"
    r"|volcan\w*|torrential|mudslides?|avalanches?|disasters?|spills?|leak(?:ed|s|ing)?|transformers?"
    r"|furnaces?|propane|tankers?|capsiz\w*|sank|sinking|adulterated|poisoning|overdose|counterfeit|shoplift\w*"
    r"|kidnappers?\s+demanded\s+ransom|industrial|plant\s+explosion|gas\s+explosion|chemical\s+spill)\b",
    re.IGNORECASE,
)


_INSTRUMENTS: Final = re.compile(
    "|".join(rf"(?:{t.pattern})" for t in TRIGGERS if t.instrument)
    + r"|knives|knife|machetes?|guns?|rifles?|pistols?|weapons?|arms|bullets?|explosives?|bombs?|stones?"
    r"|rocks",
    re.IGNORECASE,
)


def is_instrument(word: str) -> bool:
    """Whether ``word`` names a weapon or a vehicle of attack ("rockets", "knives"): never an actor."""
    return _INSTRUMENTS.fullmatch(word) is not None


class TriggerHit(NamedTuple):
    """A trigger found in a text: its character offsets and its lexicon entry."""

    start: int
    end: int
    trigger: Trigger


def find_triggers(text: str) -> list[TriggerHit]:
    """Every trigger in ``text``, in text order; overlapping hits keep the stronger."""
    hits = [TriggerHit(m.start(), m.end(), t) for rx, t in _COMPILED for m in rx.finditer(text)]
    hits.sort(key=lambda h: (h.start, h.trigger.tier, -(h.end - h.start)))
    kept: list[TriggerHit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if hit.trigger.tier < kept[-1].trigger.tier:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept
