"""Why a record is rejected: the exclusion reasons of the gold guidelines (``evals/GUIDELINES.md``).

A rejected record becomes an ``excluded`` entry of the exported gold citing its rule, except a
duplicate (rule 1: one record per real-world event), whose mention is evidence of another record.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = ["DUPLICATE", "REJECT_RULES", "RejectRule"]

RejectRule = Literal[
    "2: statement",
    "2: threat",
    "2: condemnation",
    "2: demand",
    "2: briefing",
    "2: decision",
    "2: designation",
    "2: sanctions",
    "2: aggregate count",
    "2: future or hypothetical",
    "2: not an event type",
    "3.7: date unresolvable",
    "1: duplicate",
]

#: Every reason, in the guidelines' order.
REJECT_RULES: Final[tuple[str, ...]] = get_args(RejectRule)

#: The reason that writes no exclusion (the mention belongs to another record of the article).
DUPLICATE: Final = "1: duplicate"
