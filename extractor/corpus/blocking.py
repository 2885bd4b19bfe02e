"""The merge's index: the mentions a mention could be linked to, found without comparing all pairs.

A pair can only link (``features``) when no block holds (same type family, overlapping dates, a
country in common or none named) and its score reaches the threshold, which it cannot without
sharing one of these keys (``features.max_without_shared_key``, tested to stay below it):

* the same sub-event type, the same date value and a country named by both (``strong``);
* a name match between an actor or place of one and one of the other (``names_match``: equal, or
  one inside the other as whole words, so the shorter name's words are all in the longer);
* places resolved within ``PLACE_NEAR_KM`` of each other, or to the same first-level unit.

So the index keeps, per type family, postings from each key to the mentions holding it, with their
date periods (day ordinals); a query reads the postings of its own keys and keeps the mentions whose
period overlaps its own and whose countries do not exclude its own. A short posting is a list read
whole; a long one (a common key) is kept by period and country, and read only at the periods that
can overlap the query's, for the query's countries (and None): the family's distinct periods are
kept sorted by first day, and those that can overlap ``[start, end]`` begin between ``start -
longest + 1`` and ``end`` (bisection). Names are found by their words without reading the postings
of common words: each name is posted under *every* word and, once more, under its *rarest* word
(fewest names so far); a query reads the every-word posting of its name's rarest word (finds the
names containing it) and the rarest-word postings of all its words (finds the names inside it). A
resolved place is posted under the 8 cells, of a grid of ``2 x PLACE_NEAR_KM`` over the Earth's
surface (in 3-D, ``cells``), nearest to it, so a point within ``PLACE_NEAR_KM`` of it is in one of them, and a
query reads its own cell only; and under its (country, admin1).

What is posted is not each mention but each ``groups.Group``, the mentions of one signature (all
its keys, period and countries are the signature's): ``groups`` returns the groups whose mentions
could link to a mention, possibly more (the group of its own signature among them); ``candidates``
their mentions. ``blocked`` and the score decide. Undated mentions are never indexed (the date rule
blocks them from every link).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

from .cells import cell, near_cells
from .features import overlaps
from .groups import Group
from .mentions import MentionView

__all__ = ["BlockIndex"]

Key = tuple[str, int]
Period = tuple[int, int]
Entry = tuple[Period, Group]
Long = dict[Period, dict[str | None, list[Group]]]

#: A posting longer than this is kept by period.
_SHORT = 24


def _post(long: Long, group: Group) -> None:
    """Post ``group`` in a long posting: by period, then by each of its countries (None without)."""
    by_country = long.get(group.period)
    if by_country is None:
        by_country = long[group.period] = {}
    for country in group.countries or (None,):
        at = by_country.get(country)
        if at is None:
            by_country[country] = [group]
        else:
            at.append(group)


def _compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or not a.isdisjoint(b)


@dataclass
class _Family:
    """One type family: its postings and the distinct periods of its mentions, sorted by first day;
    the periods that can overlap a period are worked out once and kept until a period comes or goes."""

    postings: dict[Hashable, list[Entry] | Long] = field(default_factory=dict)
    periods: Counter[Period] = field(default_factory=Counter)
    ordered: list[Period] = field(default_factory=list)
    related: dict[Period, list[Period]] = field(default_factory=dict)


class BlockIndex:
    """Mentions by type family, key and period (see the module doc)."""

    def __init__(self) -> None:
        self._families: dict[str, _Family] = {}
        self._longest = 1  # days in the longest period indexed so far
        self._words: dict[str, int] = {}  # how many indexed names hold each word
        self._groups: dict[tuple[object, ...], Group] = {}  # by signature
        self._posted: dict[Group, list[Hashable]] = {}  # each group's posting keys, for removal

    def _rarest(self, words: list[str]) -> str:
        counts = self._words
        best, fewest = words[0], counts.get(words[0], 0)
        for word in words[1:]:  # fewest names, then first in order: as min() by (count, word)
            count = counts.get(word, 0)
            if count < fewest or (count == fewest and word < best):
                best, fewest = word, count
        return best

    def _keys(self, view: MentionView) -> list[Hashable]:
        keys: list[Hashable] = [("strong", view.event.event_type, view.event.date.value)]
        for name in view.name_keys:
            words = name.split()
            keys += [("word", w) for w in words]
            keys.append(("rarest", self._rarest(words)))
        for place in view.place_views:
            if place.point is not None:
                keys += [("cell", c) for c in near_cells(place.point)]
            if place.admin is not None:
                keys.append(("admin", place.admin))
        return list(dict.fromkeys(keys))

    def add(self, view: MentionView) -> None:
        """Index ``view``: a member of the group of its signature (``group``)."""
        group = self.group(view)
        if group is not None:
            group.members[view.key] = view

    def group(self, view: MentionView) -> Group | None:
        """The group of ``view``'s signature, posted when it is new (None for an undated mention).
        ``view`` is not made a member: ``add`` does it."""
        period = view.interval
        if period is None:
            return None
        group = self._groups.get(view.signature)
        if group is None:
            group = self._groups[view.signature] = Group(view, period)
            self._post_group(group)
        return group

    def _post_group(self, group: Group) -> None:
        view, period = group.view, group.period
        family = self._families.get(view.family)
        if family is None:
            family = self._families[view.family] = _Family()
        if family.periods[period] == 0:
            bisect.insort(family.ordered, period)
            self._forget_related(family, period)
        family.periods[period] += 1
        keys = self._posted[group] = self._keys(view)
        for k in keys:
            posting = family.postings.get(k)
            if posting is None:
                family.postings[k] = [(period, group)]
            elif isinstance(posting, list):
                posting.append((period, group))
                if len(posting) > _SHORT:
                    long: Long = {}
                    for _, g in posting:
                        _post(long, g)
                    family.postings[k] = long
            else:
                _post(posting, group)
        for name in view.name_keys:
            for word in set(name.split()):
                self._words[word] = self._words.get(word, 0) + 1
        if period[1] - period[0] + 1 > self._longest:
            self._longest = period[1] - period[0] + 1
            for each in self._families.values():
                each.related.clear()

    def remove(self, view: MentionView) -> None:
        """Take ``view`` out; its group goes when it was the last of it."""
        if view.interval is None:
            return
        group = self._groups[view.signature]
        del group.members[view.key]
        if group.members:
            return
        del self._groups[view.signature]
        group.forget()
        period = group.period
        family = self._families[view.family]
        for k in self._posted.pop(group):
            posting = family.postings[k]
            if isinstance(posting, list):
                posting[:] = [e for e in posting if e[1] is not group]
            else:
                by_country = posting[period]
                for country in group.countries or (None,):
                    by_country[country] = [g for g in by_country[country] if g is not group]
                    if not by_country[country]:
                        del by_country[country]
                if not by_country:
                    del posting[period]
            if not posting:
                del family.postings[k]
        for name in view.name_keys:
            for word in set(name.split()):
                if self._words[word] == 1:
                    del self._words[word]
                else:
                    self._words[word] -= 1
        family.periods[period] -= 1
        if family.periods[period] == 0:
            del family.periods[period]
            del family.ordered[bisect.bisect_left(family.ordered, period)]
            self._forget_related(family, period)

    def _window(self, family: _Family, period: Period) -> list[Period]:
        """The indexed periods that can overlap ``period`` (by their first day), in order."""
        start, end = period
        lo = bisect.bisect_left(family.ordered, (start - self._longest + 1, -1))
        hi = bisect.bisect_right(family.ordered, (end, end + self._longest))
        return family.ordered[lo:hi]

    def _related(self, family: _Family, period: Period) -> list[Period]:
        found = family.related.get(period)
        if found is None:
            found = family.related[period] = [p for p in self._window(family, period) if overlaps(period, p)]
        return found

    def _forget_related(self, family: _Family, period: Period) -> None:
        """A period came or went: drop the kept lists it belongs in (and its own)."""
        family.related.pop(period, None)
        for other in self._window(family, period):
            if overlaps(period, other):
                family.related.pop(other, None)

    def candidates(self, view: MentionView) -> set[Key]:
        """Every indexed mention (not ``view`` itself) that could be linked to ``view``."""
        found = {key for group in self.groups(view) for key in group.members}
        found.discard(view.key)
        return found

    def groups(self, view: MentionView) -> set[Group]:
        """Every indexed group with a mention that could be linked to ``view`` (see the module doc)."""
        period = view.interval
        family = self._families.get(view.family)
        if period is None or family is None:
            return set()
        start, end = period
        countries = view.countries
        found: set[Group] = set()
        strong = family.postings.get(("strong", view.event.event_type, view.event.date.value))
        if strong is not None and countries:  # a shared country is part of this key
            if isinstance(strong, list):
                found.update(g for _, g in strong if not countries.isdisjoint(g.countries))
            else:
                by_country = strong.get(period, {})
                for country in countries:
                    found.update(by_country.get(country, ()))
        wheres = (*countries, None)
        for k in self._queries(view):
            posting = family.postings.get(k)
            if posting is None:
                continue
            if isinstance(posting, list):
                found.update(
                    g
                    for (first, last), g in posting
                    if first <= end and start <= last and _compatible(countries, g.countries)
                )
                continue
            for p in self._related(family, period):
                at = posting.get(p)
                if at is None:
                    continue
                if not countries:
                    for groups in at.values():
                        found.update(groups)
                    continue
                for where in wheres:
                    if (here := at.get(where)) is not None:
                        found.update(here)
        return found

    def _queries(self, view: MentionView) -> list[Hashable]:
        queries: list[Hashable] = []
        for name in view.name_keys:
            words = name.split()
            queries.append(("word", self._rarest(words)))
            queries += [("rarest", w) for w in words]
        for place in view.place_views:
            if place.point is not None:
                queries.append(("cell", cell(place.point)))
            if place.admin is not None:
                queries.append(("admin", place.admin))
        return list(dict.fromkeys(queries))
