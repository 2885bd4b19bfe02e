"""Date rules: an ISO value stands for a period; dates agree when equal or when one period holds the other.

One implementation serves the corpus merge (``extractor.corpus``) and the scorer (``evals.scoring``
re-exports these functions).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["date_agrees", "date_contains", "date_interval"]


def date_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day of an ISO 'YYYY-MM-DD', 'YYYY-Www', 'YYYY-MM' or 'YYYY'; None if unparsable."""
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            return day, day
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + dt.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, month = int(m[1]), int(m[2])
            first = dt.date(year, month, 1)
            nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None
    return None


def date_contains(outer: str | None, inner: str | None) -> bool:
    """Whether every day of ``inner``'s period lies within ``outer``'s period."""
    a, b = date_interval(outer), date_interval(inner)
    return a is not None and b is not None and a[0] <= b[0] and b[1] <= a[1]


def date_agrees(pred: str | None, gold: str | None) -> bool:
    """Date slot credit: equal values, or either period contains the other.

    A predicted day inside a gold week/month/year gets credit, and so does a gold day inside a
    predicted coarser value (e.g. gold '2019-12-27' vs predicted '2019-12' or '2019-W52').
    Two non-nested periods (e.g. a week straddling two months vs one of the months) do not agree.
    """
    if pred is None or gold is None:
        return False
    return pred == gold or date_contains(gold, pred) or date_contains(pred, gold)
