"""The register of an article as country evidence: words of American local government and institutions.

An American local story reads like one before it names any country: "county commissioners",
"the sheriff's office", "city council", "a state senator", "the township", and its institutions
"the police department", "the fire department", "elementary schools". These are words of a
register, not names of places; an article using them gives the United States a vote at half the
weight of a named country (``votes.count_votes``), so that a town named like a foreign city
("Paris", "Athens", "Cairo" in an American state) is read as the American namesake when the rest
of the article does not say otherwise, while a country the article names still outweighs it.
"""

from __future__ import annotations

import re
from typing import Final

from .gazetteer import Gazetteer

__all__ = ["REGISTER_WEIGHT", "register_votes"]

#: Half a named country's vote (a country named once votes 2.0).
REGISTER_WEIGHT: Final = 1.0
_COUNTRY: Final = "USA"
_AMERICAN_LOCAL = re.compile(
    r"\b(?:county\s+(?:commission(?:ers?)?|commissioners?|board|clerk|sheriff|supervisors?|attorney)"
    r"|board\s+of\s+(?:county\s+)?(?:commissioners|supervisors|aldermen|selectmen)"
    r"|sheriff['’]s\s+(?:office|department|deputy|deputies)"
    r"|city\s+council(?:man|woman|men|women|ors?)?|councilman|councilwoman|aldermen|alderman"
    r"|state\s+(?:senator|senate|representative|rep\.|legislature|lawmakers?|troopers?|house)"
    r"|township|school\s+district|district\s+attorney|highway\s+patrol"
    r"|elementary\s+schools?|middle\s+schools?|police\s+department|fire\s+department|county\s+jail"
    r"|coroner['’]s\s+office)\b",
    re.IGNORECASE,
)


def register_votes(gaz: Gazetteer, text: str) -> dict[int, float]:
    """The country votes the article's register gives (country entry -> weight); none when it has
    no words of American local government."""
    country = gaz.by_alpha3.get(_COUNTRY)
    if country is None or not _AMERICAN_LOCAL.search(text):
        return {}
    return {country: REGISTER_WEIGHT}
