"""Date rules of the scorer: the library's own (``extractor.derive.periods``), so merge and scoring agree."""

from __future__ import annotations

from extractor.derive.periods import date_agrees, date_contains, date_interval

__all__ = ["date_agrees", "date_contains", "date_interval"]
