"""Casualty figures: ACLED's fatalities rule over the grounded claims of one event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

__all__ = ["HasKindAndCount", "fatalities"]


class HasKindAndCount(Protocol):
    """Anything with a casualty ``kind`` ("killed"/"injured") and a ``count``: drafts and claims."""

    @property
    def kind(self) -> str:
        """Either "killed" or "injured"."""
        ...

    @property
    def count(self) -> int:
        """The number reported."""
        ...


def fatalities(claims: Iterable[HasKindAndCount]) -> int | None:
    """ACLED's rule: the lowest reported killed figure; ``None`` when nothing was reported killed."""
    return min((claim.count for claim in claims if claim.kind == "killed"), default=None)
