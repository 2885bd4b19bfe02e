"""The register of an article as country evidence: words of American or British local institutions.

An American local story reads like one before it names any country: "county commissioners",
"the sheriff's office", "city council", "a state senator", "the township", and its institutions
"the police department", "the fire department", "elementary schools". These are words of a
register, not names of places; an article using them gives the United States a vote at half the
weight of a named country (``votes.count_votes``), so that a town named like a foreign city
("Paris", "Athens", "Cairo" in an American state) is read as the American namesake when the rest
of the article does not say otherwise, while a country the article names still outweighs it.
A British one has its own: "the borough council", "council tax", "Crown Court", "the NHS",
prices in pounds sterling ("£"). Words shared with other countries' usage ("primary school",
"county council", "magistrates' court": Ireland, Australia, New Zealand, whose place names
are often British namesakes) are left out.
"""

from __future__ import annotations

import re
from typing import Final

from .gazetteer import Gazetteer

__all__ = ["REGISTER_WEIGHT", "register_votes"]

#: Half a named country's vote (a country named once votes 2.0).
REGISTER_WEIGHT: Final = 1.0
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
_BRITISH_LOCAL = re.compile(
    r"\b(?:(?:borough|parish)\s+councils?|council\s+tax|crown\s+court|constabulary|NHS)\b|£",
    re.IGNORECASE,
)
_REGISTERS: Final = (("USA", _AMERICAN_LOCAL), ("GBR", _BRITISH_LOCAL))


def register_votes(gaz: Gazetteer, text: str) -> dict[int, float]:
    """The country votes the article's register gives (country entry -> weight): each country whose
    local words the article uses votes once."""
    out = {}
    for code, words in _REGISTERS:
        country = gaz.by_alpha3.get(code)
        if country is not None and words.search(text):
            out[country] = REGISTER_WEIGHT
    return out
