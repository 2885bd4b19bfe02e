"""Merge: the events of many article results -> corpus events, one per real-world event.

The clustering is a constrained agglomeration, deterministic and independent of input order:

1. every event of every result is a mention, keyed by (article id, event index);
2. every pair of mentions that no rule blocks and whose similarity reaches ``MERGE_THRESHOLD``
   (``features``) is a candidate link; candidates are taken by descending score, then by key;
3. a candidate joins its two clusters only if no pair across them is blocked (complete linkage on
   the blocks: one corpus event never holds two days, two event types, two disjoint country sets
   or two different events of one article).

Each accepted link is kept, with its features, as the corpus event's ``merge_explanation``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from extractor.derive import acled_categories, date_interval, name_key
from extractor.errors import InputError
from schemas.corpus_v2 import (
    Claim,
    CorpusActor,
    CorpusDate,
    CorpusEvent,
    CorpusLocation,
    Link,
    Mention,
    MentionRef,
    Source,
)
from schemas.events_v3 import ArticleResult

from .features import MERGE_THRESHOLD, MentionView, blocked, similarity

__all__ = ["Corpus", "MergeWarning", "event_id", "merge"]

_S = TypeVar("_S", bound=str)


@dataclass(frozen=True)
class MergeWarning:
    """Something about one input event the caller should hear (e.g. it has no date)."""

    article_id: str
    event_index: int
    message: str


@dataclass
class Corpus:
    """The merge's output: corpus events (sorted by date, type and id) and warnings."""

    events: list[CorpusEvent] = field(default_factory=list)
    warnings: list[MergeWarning] = field(default_factory=list)


class _Clusters:
    """Union-find over mention indices, with each root's members and accepted links."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.links: dict[int, list[Link]] = {i: [] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int, link: Link) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        self.parent[rb] = ra
        self.members[ra] += self.members.pop(rb)
        self.links[ra] += [*self.links.pop(rb), link]


def _ref(view: MentionView) -> MentionRef:
    return MentionRef(article_id=view.article_id, event_index=view.event_index)


def _cluster(views: Sequence[MentionView], threshold: float) -> _Clusters:
    candidates: list[tuple[float, int, int, dict[str, str]]] = []
    for i, j in itertools.combinations(range(len(views)), 2):
        if blocked(views[i], views[j]) is None:
            score, features = similarity(views[i], views[j])
            if score >= threshold:
                candidates.append((score, i, j, features))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    clusters = _Clusters(len(views))
    for score, i, j, features in candidates:
        ri, rj = clusters.find(i), clusters.find(j)
        if ri == rj:
            continue
        if any(
            blocked(views[p], views[q]) is not None
            for p, q in itertools.product(clusters.members[ri], clusters.members[rj])
        ):
            continue
        clusters.join(i, j, Link(a=_ref(views[i]), b=_ref(views[j]), score=score, features=features))
    return clusters


def _most_common(values: Iterable[_S]) -> _S:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v))


def _date(views: Sequence[MentionView]) -> CorpusDate:
    """The most precise date: the shortest period among the mentions' dates (all agree pairwise)."""
    dated = [(date_interval(v.event.date.value), v) for v in views]
    known = [(iv, v) for iv, v in dated if iv is not None]
    if not known:
        return CorpusDate()
    _, best = min(known, key=lambda p: ((p[0][1] - p[0][0]).days, p[1].event.date.value or ""))
    return CorpusDate(value=best.event.date.value, precision=best.event.date.precision)


def _locations(views: Sequence[MentionView]) -> list[CorpusLocation]:
    by_country: dict[str | None, CorpusLocation] = {}
    seen: dict[str | None, set[str]] = {}
    for view in views:
        for loc in view.event.locations:
            key = loc.country_code or (name_key(loc.country.quote) if loc.country else None)
            entry = by_country.setdefault(
                key, CorpusLocation(country_name=loc.country_name, country_code=loc.country_code)
            )
            if loc.place is not None and name_key(loc.place.quote) not in seen.setdefault(key, set()):
                seen[key].add(name_key(loc.place.quote))
                entry.places.append(loc.place.quote)
    return sorted(by_country.values(), key=lambda loc: (loc.country_code is None, loc.country_code or ""))


def _actor(views: Sequence[MentionView], role: int) -> CorpusActor | None:
    names = [n for v in views if (n := v.actor(role)) is not None]
    if not names:
        return None
    key = _most_common(name_key(n) for n in names)
    return CorpusActor(
        name=next(n for n in names if name_key(n) == key),
        names=list(dict.fromkeys(names)),
    )


def _claims(views: Sequence[MentionView], urls: dict[str, str | None]) -> list[Claim]:
    return [
        Claim(
            kind=c.kind,
            count=c.count,
            qualifier=c.qualifier,
            claimed_by=c.claimed_by.quote if c.claimed_by else None,
            victims=c.victims.quote if c.victims else None,
            article_id=v.article_id,
            url=urls.get(v.article_id),
            event_index=v.event_index,
            quote=c.quote,
        )
        for v in views
        for c in v.event.casualties
    ]


def event_id(views: Sequence[MentionView]) -> str:
    """Stable id from the content: the mentions' article ids and first evidence offsets."""
    parts = sorted(
        f"{v.article_id}@{v.event.evidence[0].start}-{v.event.evidence[0].end}:{v.event.event_type}"
        for v in views
    )
    return "ce-" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _assemble(
    views: Sequence[MentionView], links: list[Link], results: dict[str, ArticleResult]
) -> CorpusEvent:
    views = sorted(views, key=lambda v: v.key)
    event_type = _most_common(v.event.event_type for v in views)
    acled_type, disorder = acled_categories(event_type)
    urls = {a: results[a].url for a in {v.article_id for v in views}}
    claims = _claims(views, urls)
    killed = [c.count for c in claims if c.kind == "killed"]
    sources = [
        Source(article_id=r.article_id, url=r.url, title=r.title, published=r.published)
        for r in (results[a] for a in sorted({v.article_id for v in views}))
    ]
    return CorpusEvent(
        event_id=event_id(views),
        event_type=event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=_date(views),
        locations=_locations(views),
        actor1=_actor(views, 1),
        actor2=_actor(views, 2),
        fatalities=min(killed) if killed else None,
        claims=claims,
        mentions=[
            Mention(
                article_id=v.article_id,
                event_index=v.event_index,
                url=results[v.article_id].url,
                title=results[v.article_id].title,
                event=v.event,
            )
            for v in views
        ],
        sources=sources,
        merge_explanation=sorted(links, key=lambda lk: (-lk.score, lk.a.article_id, lk.a.event_index)),
        reviewed=all(v.event.reviewed for v in views),
    )


def merge(results: Iterable[ArticleResult], *, threshold: float = MERGE_THRESHOLD) -> Corpus:
    """Cluster the events of ``results`` into corpus events (see the module doc and ``features``).

    Raises ``InputError`` naming the article when two results share an article id. The output does
    not depend on the order of ``results`` or of anything else but their content.
    """
    by_id: dict[str, ArticleResult] = {}
    for result in results:
        if result.article_id in by_id:
            raise InputError(f"duplicate article id {result.article_id!r}: each article may be merged once")
        by_id[result.article_id] = result
    views = [
        MentionView(article_id=aid, event_index=i, event=event)
        for aid in sorted(by_id)
        for i, event in enumerate(by_id[aid].events)
    ]
    warnings = [
        MergeWarning(v.article_id, v.event_index, "event has no date: kept as its own corpus event")
        for v in views
        if date_interval(v.event.date.value) is None
    ]
    clusters = _cluster(views, threshold)
    events = [
        _assemble([views[i] for i in members], clusters.links[root], by_id)
        for root, members in clusters.members.items()
    ]
    events.sort(key=lambda e: (e.date.value or "~", e.event_type, e.event_id))
    return Corpus(events=events, warnings=warnings)
