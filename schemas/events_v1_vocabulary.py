"""The closed vocabularies of ``events.v1``, shared by every later schema version.

ACLED's sub-event, event and disorder types, and the small enumerations of the records (casualty
kind, count qualifier, date precision, span alignment). A JSON Schema inlines each as an ``enum``;
``schemas.events_v1`` re-exports them all. This module imports nothing from the rest of the project.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "AcledEventType",
    "Alignment",
    "CasualtyKind",
    "CountQualifier",
    "DatePrecision",
    "DisorderType",
    "SubEventType",
]

#: ACLED's 25 sub-event types, grouped by their ACLED event type.
SubEventType = Literal[
    # Battles
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    # Explosions/Remote violence
    "Chemical weapon",
    "Air/drone strike",
    "Suicide bomb",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Grenade",
    # Violence against civilians
    "Sexual violence",
    "Attack",
    "Abduction/forced disappearance",
    # Protests
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    # Riots
    "Violent demonstration",
    "Mob violence",
    # Strategic developments
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
]

AcledEventType = Literal[
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
]

DisorderType = Literal[
    "Political violence",
    "Demonstrations",
    "Political violence; Demonstrations",
    "Strategic developments",
]

CasualtyKind = Literal["killed", "injured"]
CountQualifier = Literal["exact", "at_least", "approximate"]
DatePrecision = Literal["day", "week", "month", "year"]
Alignment = Literal["exact", "normalized"]
