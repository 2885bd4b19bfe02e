"""Counting figures: precision, recall and F1 from TP/FP/FN, and ratios with their denominators.

Convention: with no predictions and no gold every P/R/F1 is 1.0, any other 0/0 is 0.0; a ratio over
nothing is 1.0 (nothing was wrong) and reports show its denominator beside it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, computed_field

__all__ = ["Counts", "Ratio", "prf"]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts.

    No predictions and no gold (all zero) gives ``(1.0, 1.0, 1.0)``; otherwise a 0/0 is 0.0.
    """
    if tp == 0 and fp == 0 and fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


class Counts(BaseModel):
    """True positives, false positives and false negatives, with P/R/F1 derived (see ``prf``)."""

    model_config = ConfigDict(extra="ignore")  # ignore the computed fields when read back from JSON

    tp: int = Field(default=0, ge=0)
    fp: int = Field(default=0, ge=0)
    fn: int = Field(default=0, ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        """tp / (tp + fp), under the ``prf`` convention."""
        return prf(self.tp, self.fp, self.fn)[0]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        """tp / (tp + fn), under the ``prf`` convention."""
        return prf(self.tp, self.fp, self.fn)[1]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, under the ``prf`` convention."""
        return prf(self.tp, self.fp, self.fn)[2]

    def __add__(self, other: Counts) -> Counts:
        return Counts(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class Ratio(BaseModel):
    """``hits`` out of ``total``; the value of an empty ratio (total 0) is 1.0."""

    model_config = ConfigDict(extra="ignore")

    hits: int = Field(default=0, ge=0)
    total: int = Field(default=0, ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> float:
        """hits / total, or 1.0 when total is 0."""
        return self.hits / self.total if self.total else 1.0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(hits=self.hits + other.hits, total=self.total + other.total)
