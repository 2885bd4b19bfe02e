"""Mentions of one signature, indexed and scored once for all of them.

Two mentions of one ``MentionView.signature`` (sub-event type, date value, countries, places,
actor names) are blocked from any third mention alike and score with it alike, the same-article
rule aside (``features.blocked_apart``, ``features.score``). An event that hundreds of articles
report has hundreds of mentions but far fewer signatures, so ``blocking.BlockIndex`` posts each
``Group`` once (not each mention) and ``merge`` scores a pair of groups once (``group_score``, kept
in both groups until one of them goes) and gives the score to every pair of their members that the
same-article rule does not block.
"""

from __future__ import annotations

from .features import blocked_apart, score
from .mentions import MentionView

__all__ = ["Group", "group_score"]

Key = tuple[str, int]


class Group:
    """The indexed mentions of one signature (``members``, by key), with what the index and the
    scores read of them (``view``: the first of them; its period and countries) and the scores
    worked out so far against other groups (None: blocked or below the threshold)."""

    __slots__ = ("countries", "members", "period", "scores", "view")

    def __init__(self, view: MentionView, period: tuple[int, int]) -> None:
        self.view = view
        self.period = period
        self.countries = view.countries
        self.members: dict[Key, MentionView] = {}
        self.scores: dict[Group, float | None] = {}

    def forget(self) -> None:
        """Drop the scores kept against this group (it has no members left)."""
        for other in self.scores:
            if other is not self:
                other.scores.pop(self, None)
        self.scores.clear()


def group_score(a: Group, b: Group, threshold: float) -> float | None:
    """The score of any member of ``a`` with any member of ``b`` when it reaches ``threshold`` and
    no block but the same-article rule holds; None otherwise. Worked out once per pair of groups
    (``score`` and ``blocked_apart`` are symmetric and read only the signatures)."""
    if b in a.scores:
        return a.scores[b]
    found: float | None = None
    if blocked_apart(a.view, b.view) is None:
        found = score(a.view, b.view)
        if found < threshold:
            found = None
    a.scores[b] = b.scores[a] = found
    return found
