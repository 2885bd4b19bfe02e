"""Derivation: what code computes for a record instead of asking the LLM.

``dates`` resolves date expressions against the publication date; ``acled`` maps sub-event
types to ACLED's event and disorder types; ``casualties`` finds casualty figures in a passage
and applies ACLED's fatalities rule;
``countries`` recognises countries (pycountry); ``event`` assembles the record; ``places``
resolves every location of an article's records to GeoNames together (``extractor.geo``). ``names`` (name
keys and name matching) and ``periods`` (ISO date periods and their agreement) are the comparison
rules shared by the corpus merge and the scorer.
"""

from __future__ import annotations

from .acled import ACLED_CATEGORIES, acled_categories
from .casualties import DetentionKind, Figure, casualty_figures, detention_figures, figure_in
from .countries import resolve_country
from .dates import resolve_date
from .event import derive_event
from .fatalities import HasKindAndCount, fatalities, victim_group
from .names import country_key, keys_match, name_key, names_match
from .numbers import NUMBER_WORDS
from .periods import date_agrees, date_contains, date_interval
from .places import resolve_locations

__all__ = [
    "ACLED_CATEGORIES",
    "NUMBER_WORDS",
    "DetentionKind",
    "Figure",
    "HasKindAndCount",
    "acled_categories",
    "casualty_figures",
    "country_key",
    "date_agrees",
    "date_contains",
    "date_interval",
    "derive_event",
    "detention_figures",
    "fatalities",
    "figure_in",
    "keys_match",
    "name_key",
    "names_match",
    "resolve_country",
    "resolve_date",
    "resolve_locations",
    "victim_group",
]
