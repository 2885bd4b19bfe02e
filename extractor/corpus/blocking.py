"""The merge's index: which mentions could possibly be linked to a mention, without comparing all pairs.

Two mentions are compared (``features.blocked``, ``features.similarity``) only when the index
returns one for the other. It returns every mention that passes the blocks that can be looked
up, and possibly more (the rest are decided by ``blocked``), never fewer:

* the same ACLED event type;
* both dated, with periods that the date rule lets agree (``features.nested``): the index keeps,
  per event type, the distinct date periods (as day ordinals) sorted by first day; the periods
  that can agree with ``[start, end]`` (one inside the other, or overlapping) begin between
  ``start - longest + 1`` and ``end``, where ``longest`` is the longest period indexed so far (a
  year), found by bisection;
* countries in common, or no country on one side: each period's mentions are kept by country,
  and those naming none apart.

Undated mentions are never indexed: the date rule blocks them from every link. Adding and
removing a mention are cheap (a dict and a sorted list of distinct periods), so the index serves
an incremental corpus as well as one merge.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field

from .features import MentionView, nested

__all__ = ["BlockIndex"]

Key = tuple[str, int]
Period = tuple[int, int]


@dataclass
class _Bucket:
    """The mentions of one event type and one period, by country."""

    by_country: dict[str, set[Key]] = field(default_factory=dict)
    no_country: set[Key] = field(default_factory=set)
    size: int = 0

    def add(self, view: MentionView) -> None:
        for code in view.countries:
            self.by_country.setdefault(code, set()).add(view.key)
        if not view.countries:
            self.no_country.add(view.key)
        self.size += 1

    def remove(self, view: MentionView) -> None:
        for code in view.countries:
            keys = self.by_country[code]
            keys.discard(view.key)
            if not keys:
                del self.by_country[code]
        self.no_country.discard(view.key)
        self.size -= 1

    def matching(self, countries: frozenset[str]) -> Iterator[Key]:
        if not countries:
            for keys in self.by_country.values():
                yield from keys
        else:
            for code in countries:
                yield from self.by_country.get(code, ())
        yield from self.no_country


@dataclass
class _TypeIndex:
    """The periods of one event type, sorted by first day, and their buckets; the periods that can
    agree with a period are worked out once and kept until a period is added or removed."""

    periods: list[Period] = field(default_factory=list)
    buckets: dict[Period, _Bucket] = field(default_factory=dict)
    related: dict[Period, list[Period]] = field(default_factory=dict)


class BlockIndex:
    """Mentions by event type, period and country (see the module doc)."""

    def __init__(self) -> None:
        self._types: dict[str, _TypeIndex] = {}
        self._longest = 1  # days in the longest period indexed so far

    def add(self, view: MentionView) -> None:
        period = view.interval
        if period is None:
            return
        index = self._types.setdefault(view.acled_type, _TypeIndex())
        bucket = index.buckets.get(period)
        if bucket is None:
            bucket = index.buckets[period] = _Bucket()
            bisect.insort(index.periods, period)
            index.related.clear()
        bucket.add(view)
        self._longest = max(self._longest, period[1] - period[0] + 1)

    def remove(self, view: MentionView) -> None:
        period = view.interval
        if period is None:
            return
        index = self._types[view.acled_type]
        bucket = index.buckets[period]
        bucket.remove(view)
        if bucket.size == 0:
            del index.buckets[period]
            del index.periods[bisect.bisect_left(index.periods, period)]
            index.related.clear()

    def candidates(self, view: MentionView) -> set[Key]:
        """Every indexed mention (not ``view`` itself) that the looked-up blocks let through."""
        period = view.interval
        index = self._types.get(view.acled_type)
        if period is None or index is None:
            return set()
        related = index.related.get(period)
        if related is None:
            start, end = period
            lo = bisect.bisect_left(index.periods, (start - self._longest + 1, -1))
            hi = bisect.bisect_right(index.periods, (end, end + self._longest))
            related = index.related[period] = [p for p in index.periods[lo:hi] if nested(period, p)]
        found: set[Key] = set()
        for other in related:
            found.update(index.buckets[other].matching(view.countries))
        found.discard(view.key)
        return found
