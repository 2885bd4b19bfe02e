"""Complete-linkage clustering of mentions: steps 2-3 of ``merge``'s module doc.

Candidate links ``(i, j, score)`` are taken by descending score, then by index; a link joins its
two clusters only if no pair across them is blocked (``ClusterBlocks``). Union-find keeps
each cluster's members, accepted links and blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .features import MentionView, duplicates, overlaps

__all__ = ["ClusterBlocks", "cluster"]


class ClusterBlocks:
    """What ``blocked`` reads of a cluster's mentions, kept so that "does any pair across two
    clusters block?" (complete linkage) costs the distinct values, not the pairs of mentions."""

    def __init__(self, view: MentionView) -> None:
        self.families = {view.family}
        self.intervals = {view.interval}
        self.countries = {view.countries} if view.countries else set()
        self.by_article: dict[str, list[MentionView]] = {view.article_id: [view]}

    def blocks(self, other: ClusterBlocks) -> bool:
        """Whether ``blocked`` holds for some mention of this cluster and some of ``other``."""
        if len(self.families | other.families) > 1:
            return True
        for x in self.intervals:
            for y in other.intervals:
                if x is None or y is None or not overlaps(x, y):
                    return True
        if any(not x & y for x in self.countries for y in other.countries):
            return True
        for article in self.by_article.keys() & other.by_article.keys():
            for p in self.by_article[article]:
                if any(not duplicates(p, q) for q in other.by_article[article]):
                    return True
        return False

    def absorb(self, other: ClusterBlocks) -> None:
        self.families |= other.families
        self.intervals |= other.intervals
        self.countries |= other.countries
        for article, views in other.by_article.items():
            self.by_article.setdefault(article, []).extend(views)


class _Clusters:
    """Union-find over mention indices, with each root's members, accepted links and blocks."""

    def __init__(self, views: Sequence[MentionView]) -> None:
        self.views = views
        self.parent = list(range(len(views)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(views))}
        self.links: dict[int, list[tuple[int, int, float]]] = {i: [] for i in range(len(views))}
        self._blocks: dict[int, ClusterBlocks] = {}

    def blocks(self, root: int) -> ClusterBlocks:
        found = self._blocks.get(root)
        if found is None:
            found = self._blocks[root] = ClusterBlocks(self.views[root])
        return found

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, link: tuple[int, int, float]) -> None:
        ra, rb = sorted((self.find(link[0]), self.find(link[1])))
        self.parent[rb] = ra
        self.members[ra] += self.members.pop(rb)
        self.links[ra] += [*self.links.pop(rb), link]
        self.blocks(ra).absorb(self.blocks(rb))
        del self._blocks[rb]


def cluster(
    views: Sequence[MentionView], candidates: Iterable[tuple[int, int, float]]
) -> list[tuple[list[int], list[tuple[int, int, float]]]]:
    """Steps 2-3 of ``merge``'s module doc over ``views`` (sorted by key) and their candidate links
    ``(i, j, score)`` with ``i < j``: each cluster's member indices and accepted links, in the order
    they were accepted."""
    ordered = sorted([(-weight, i, j) for i, j, weight in candidates])  # tuples sort faster than keys
    clusters = _Clusters(views)
    find = clusters.find
    for negative, i, j in ordered:
        ri, rj = find(i), find(j)
        if ri == rj or clusters.blocks(ri).blocks(clusters.blocks(rj)):
            continue
        clusters.join((i, j, -negative))
    return [(members, clusters.links[root]) for root, members in clusters.members.items()]
