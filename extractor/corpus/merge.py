"""Merge: the events of many article results -> corpus events, one per real-world event.

The clustering is a constrained agglomeration, deterministic and independent of input order:

1. every event of every result is a mention, keyed by (article id, event index);
2. every pair of mentions that no rule blocks and whose similarity reaches ``MERGE_THRESHOLD``
   (``features``) is a candidate link; candidates are taken by descending score, then by key;
3. a candidate joins its two clusters only if no pair across them is blocked (complete linkage on
   the blocks: one corpus event never holds two days, two event types, two disjoint country sets
   or two different events of one article).

Steps 2 and 3 are ``linkage.cluster``. Each accepted link is kept, with its features, as the corpus
event's ``merge_explanation``.

**Near-linear, and incremental.** Pairs are not all compared: ``blocking.BlockIndex`` returns, for
each mention, only those it could be linked to (same event type, agreeing dates, a country in
common), so the work grows with the mentions and the size of their blocks, not with the square of
the corpus; the mentions of one signature are posted and scored once, as a group (``groups``).
The candidate links form a graph; step 3 only ever joins clusters inside one connected
component of it, and the order of the candidates inside a component is their order in the whole,
so clustering each component on its own gives exactly the clusters of the all-pairs procedure
(``tests/test_corpus_merge_index.py`` checks it against that procedure). ``IncrementalCorpus``
keeps the links and clusters of the results added so far: adding (or replacing) a result links its
mentions through the index and re-clusters only the components they touch. ``merge`` is one
``IncrementalCorpus`` filled at once, the cyclic garbage collector paused meanwhile.

**Built when read.** A corpus event is kept as an ``assembly.Cluster`` (its mentions and links, with
its type, date, countries and id for sorting and filtering); ``Corpus.events`` is a sequence that
builds each ``CorpusEvent`` when it is read (``CorpusEvents``), so a corpus of 100,000 events is not
100,000 sets of pydantic objects unless someone reads them all (``extractor merge`` writes them one
at a time; the service builds the page it returns).
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import overload

from extractor.errors import InputError
from schemas.corpus_v2 import CorpusEvent
from schemas.events_v3 import ArticleResult

from .assembly import Cluster, event_id
from .blocking import BlockIndex
from .features import MERGE_THRESHOLD, MentionView, duplicates
from .groups import group_score
from .linkage import cluster

__all__ = ["Corpus", "CorpusEvents", "IncrementalCorpus", "MergeWarning", "event_id", "merge"]

Key = tuple[str, int]


@dataclass(frozen=True)
class MergeWarning:
    """Something about one input event the caller should hear (e.g. it has no date)."""

    article_id: str
    event_index: int
    message: str


class CorpusEvents(Sequence[CorpusEvent]):
    """Corpus events in order, each built (``Cluster.build``) when it is read; ``clusters`` are the
    unbuilt events, for sorting, counting and filtering without building them."""

    def __init__(self, clusters: Sequence[Cluster] = ()) -> None:
        self.clusters = list(clusters)

    def __len__(self) -> int:
        return len(self.clusters)

    @overload
    def __getitem__(self, index: int) -> CorpusEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[CorpusEvent]: ...
    def __getitem__(self, index: int | slice) -> CorpusEvent | list[CorpusEvent]:
        if isinstance(index, slice):
            return [c.build() for c in self.clusters[index]]
        return self.clusters[index].build()

    def __iter__(self) -> Iterator[CorpusEvent]:
        return (c.build() for c in self.clusters)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CorpusEvents({len(self)} events)"


@dataclass
class Corpus:
    """The merge's output: corpus events (sorted by date, type and id, built when read) and warnings."""

    events: Sequence[CorpusEvent] = field(default_factory=CorpusEvents)
    warnings: list[MergeWarning] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        """How many article events the corpus events hold."""
        if isinstance(self.events, CorpusEvents):
            return sum(len(c.views) for c in self.events.clusters)
        return sum(len(e.mentions) for e in self.events)


class IncrementalCorpus:
    """The merged corpus of the results added so far, kept up to date as results are added or
    replaced (see the module doc). ``corpus()`` equals ``merge`` of the same results."""

    def __init__(self, *, threshold: float = MERGE_THRESHOLD) -> None:
        self.threshold = threshold
        self._results: dict[str, ArticleResult] = {}
        self._views: dict[Key, MentionView] = {}
        self._links: dict[Key, dict[Key, float]] = {}  # candidate links and their scores
        self._index = BlockIndex()
        self._cluster_of: dict[Key, Key] = {}
        self._clusters: dict[Key, Cluster] = {}
        self._dirty: set[Key] = set()
        self._sorted: list[Cluster] | None = []

    def __len__(self) -> int:
        """How many article results are merged."""
        return len(self._results)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._results

    def add(self, result: ArticleResult, *, replace: bool = False) -> None:
        """Merge ``result``'s events. An article id already merged raises ``InputError``, unless
        ``replace``: then its earlier result is taken out first."""
        article_id = result.article_id
        if article_id in self._results:
            if not replace:
                raise InputError(f"duplicate article id {article_id!r}: each article may be merged once")
            self.remove(article_id)
        self._results[article_id] = result
        links, threshold = self._links, self.threshold
        for index, event in enumerate(result.events):
            view = MentionView(article_id=article_id, event_index=index, event=event)
            here = view.key
            mine: dict[Key, float] = {}
            group = self._index.group(view)  # None when undated: never linked
            for other_group in self._index.groups(view):  # none when undated
                # one score for every pair of the two groups' members (``groups``)
                found = group_score(group, other_group, threshold) if group is not None else None
                if found is None:
                    continue
                for key, other in other_group.members.items():
                    if other.article_id != article_id or duplicates(view, other):
                        mine[key] = links[key][here] = found
            self._views[here] = view
            self._links[here] = mine
            self._index.add(view)
            self._dirty.add(here)
        self._sorted = None

    def remove(self, article_id: str) -> None:
        """Take an article's events out of the corpus (nothing happens for an unknown id)."""
        result = self._results.pop(article_id, None)
        if result is None:
            return
        for index in range(len(result.events)):
            key = (article_id, index)
            self._index.remove(self._views.pop(key))
            for other in self._links.pop(key):
                if other in self._links:
                    del self._links[other][key]
                    self._dirty.add(other)
            root = self._cluster_of.pop(key, None)
            if root is not None:
                self._clusters.pop(root, None)
            self._dirty.discard(key)
        self._sorted = None

    def events(self) -> CorpusEvents:
        """The corpus events, sorted by date, type and id, built when read."""
        self._settle()
        if self._sorted is None:
            self._sorted = sorted(self._clusters.values(), key=lambda c: c.order)
        return CorpusEvents(self._sorted)

    def corpus(self) -> Corpus:
        """The corpus events (``events``) and the warnings, as ``merge`` gives them."""
        events = self.events()
        warnings = [
            MergeWarning(key[0], key[1], "event has no date: kept as its own corpus event")
            for key in sorted(k for k, v in self._views.items() if v.interval is None)
        ]
        return Corpus(events=events, warnings=warnings)

    def _component(self, start: Key) -> set[Key]:
        seen = {start}
        queue = deque([start])
        while queue:
            for other in self._links[queue.popleft()]:
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        return seen

    def _settle(self) -> None:
        """Re-cluster every component that holds a mention added, or linked to one removed.

        Two passes: every old cluster of the affected components is dropped before any new one is
        made, because a replaced article's mentions come back under their old keys, and a stale
        pointer to an old cluster named by such a key must not drop the new cluster of that name.
        """
        components: list[list[Key]] = []
        done: set[Key] = set()
        for start in sorted(self._dirty):
            if start in done or start not in self._views:
                continue
            keys = sorted(self._component(start))
            done.update(keys)
            components.append(keys)
        for key in done:
            old = self._cluster_of.pop(key, None)
            if old is not None:
                self._clusters.pop(old, None)
        for keys in components:
            if len(keys) == 1:  # no link: its own corpus event
                self._cluster_of[keys[0]] = keys[0]
                self._clusters[keys[0]] = Cluster([self._views[keys[0]]], (), self._results)
                continue
            views = [self._views[k] for k in keys]
            local = {k: i for i, k in enumerate(keys)}
            candidates = [
                (local[a], local[b], found) for a in keys for b, found in self._links[a].items() if a < b
            ]
            for members, links in cluster(views, candidates):
                ordered = sorted(members)  # component indices are in key order: so are the members
                position = {m: n for n, m in enumerate(ordered)}
                root = keys[ordered[0]]
                for m in ordered:
                    self._cluster_of[keys[m]] = root
                self._clusters[root] = Cluster(
                    [views[m] for m in ordered],
                    [(position[i], position[j], weight) for i, j, weight in links],
                    self._results,
                )
        self._dirty.clear()


def merge(results: Iterable[ArticleResult], *, threshold: float = MERGE_THRESHOLD) -> Corpus:
    """Cluster the events of ``results`` into corpus events (see the module doc and ``features``).

    Raises ``InputError`` naming the article when two results share an article id. The output does
    not depend on the order of ``results`` or of anything else but their content.
    """
    with _collector_paused():
        corpus = IncrementalCorpus(threshold=threshold)
        for result in results:
            corpus.add(result)
        return corpus.corpus()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a whole corpus is merged at once, then back as it was.

    The merge builds millions of containers (mentions, postings, links) that all live to its end:
    each full pass of the collector walks them all and frees nothing (a third of the merge's time
    on 100,000 results). What the merge leaves is collected once the collector is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
