"""Derivation: what code computes for a record instead of asking the LLM.

``dates`` resolves date expressions against the publication date; ``acled`` maps sub-event
types to ACLED's event and disorder types; ``casualties`` finds casualty figures in a passage
and applies ACLED's fatalities rule;
``countries`` recognises countries (pycountry); ``event`` assembles the record.
"""

from __future__ import annotations

from .acled import ACLED_CATEGORIES, acled_categories
from .casualties import Figure, HasKindAndCount, casualty_figures, fatalities, figure_in
from .countries import resolve_country
from .dates import resolve_date
from .event import derive_event
from .numbers import NUMBER_WORDS

__all__ = [
    "ACLED_CATEGORIES",
    "NUMBER_WORDS",
    "Figure",
    "HasKindAndCount",
    "acled_categories",
    "casualty_figures",
    "derive_event",
    "fatalities",
    "figure_in",
    "resolve_country",
    "resolve_date",
]
