"""One corpus event from its mentions: type, date, places, actors, claims, sources and a stable id.

The parts are built with ``model_construct``: every value comes from records already validated
(``events.v2``) or is computed here from them, so validating them again would only cost time
(most of a large merge's); ``tests/test_corpus_merge_index.py`` validates the output in full.

``assemble`` builds the ``corpus.v1`` event of one cluster of mentions (``merge`` decides the
clusters): the sub-event type and actors most mentions give, the most precise date, every place
by country, every casualty claim with its claimant and article, the lowest ``killed`` figure as
``fatalities`` (ACLED's conservative rule), the sources, and the accepted links that explain it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from extractor.derive import acled_categories, name_key
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
from schemas.events_v3 import ArticleResult, Location

from .features import MentionView, explain

__all__ = ["Cluster", "assemble", "event_id"]

_S = TypeVar("_S", bound=str)


def _most_common(values: Iterable[_S]) -> _S:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v))


def _best_date(views: Sequence[MentionView]) -> MentionView | None:
    """The mention with the most precise date: the shortest period (all agree pairwise)."""
    known = [(iv, v) for v in views if (iv := v.interval) is not None]
    if not known:
        return None
    return min(known, key=lambda p: (p[0][1] - p[0][0], p[1].event.date.value or ""))[1]


def _date(views: Sequence[MentionView]) -> CorpusDate:
    best = _best_date(views)
    if best is None:
        return CorpusDate.model_construct()
    return CorpusDate.model_construct(value=best.event.date.value, precision=best.event.date.precision)


def _country_of(loc: Location) -> str | None:
    return loc.country_code or (name_key(loc.country.quote) if loc.country else None)


def _locations(views: Sequence[MentionView]) -> list[CorpusLocation]:
    by_country: dict[str | None, CorpusLocation] = {}
    seen: dict[str | None, set[str]] = {}
    for view in views:
        for loc in view.event.locations:
            key = _country_of(loc)
            entry = by_country.get(key)
            if entry is None:  # every field given: model_construct would inspect a default factory
                entry = by_country[key] = CorpusLocation.model_construct(
                    country_name=loc.country_name, country_code=loc.country_code, places=[]
                )
            if loc.place is not None and (place := name_key(loc.place.quote)) not in seen.setdefault(
                key, set()
            ):
                seen[key].add(place)
                entry.places.append(loc.place.quote)
    return sorted(by_country.values(), key=lambda loc: (loc.country_code is None, loc.country_code or ""))


def _actor(views: Sequence[MentionView], role: int) -> CorpusActor | None:
    named = [(n, v.actor_key(role) or "") for v in views if (n := v.actor(role)) is not None]
    if not named:
        return None
    key = _most_common(k for _, k in named)
    return CorpusActor.model_construct(
        name=next(n for n, k in named if k == key),
        names=list(dict.fromkeys(n for n, _ in named)),
    )


def _claims(views: Sequence[MentionView], urls: dict[str, str | None]) -> list[Claim]:
    return [
        Claim.model_construct(
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


def assemble(
    views: Sequence[MentionView], links: list[Link], results: dict[str, ArticleResult]
) -> CorpusEvent:
    """The corpus event of one cluster: ``views`` its mentions, ``links`` the links that joined
    them, ``results`` the article results by id (for urls, titles and sources)."""
    views = sorted(views, key=lambda v: v.key)
    event_type = _most_common(v.event.event_type for v in views)
    acled_type, disorder = acled_categories(event_type)
    urls = {a: results[a].url for a in {v.article_id for v in views}}
    claims = _claims(views, urls)
    killed = [c.count for c in claims if c.kind == "killed"]
    sources = [
        Source.model_construct(article_id=r.article_id, url=r.url, title=r.title, published=r.published)
        for r in (results[a] for a in sorted({v.article_id for v in views}))
    ]
    return CorpusEvent.model_construct(
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
            Mention.model_construct(
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


class Cluster:
    """One corpus event before it is built: its mentions (sorted by key), the links that joined them
    (indices into the mentions and score, in the order they were accepted) and the results they came
    from; with what sorting and filtering need (type, date, countries, id), worked out once.
    ``build`` makes the ``CorpusEvent`` (and each link's explanation) when it is asked for."""

    __slots__ = ("countries", "date_value", "event_id", "event_type", "links", "results", "views")

    def __init__(
        self,
        views: Sequence[MentionView],
        links: Sequence[tuple[int, int, float]],
        results: dict[str, ArticleResult],
    ) -> None:
        self.views = tuple(sorted(views, key=lambda v: v.key))
        self.links = tuple(links)
        self.results = {v.article_id: results[v.article_id] for v in self.views}
        self.event_type = _most_common(v.event.event_type for v in self.views)
        best = _best_date(self.views)
        self.date_value = None if best is None else best.event.date.value
        self.event_id = event_id(self.views)
        countries: dict[str | None, tuple[str | None, str | None]] = {}
        for view in self.views:
            for loc in view.event.locations:
                countries.setdefault(_country_of(loc), (loc.country_code, loc.country_name))
        #: (ISO alpha-3, name) of each of its corpus locations, as ``build`` gives them
        self.countries = tuple(countries.values())

    @property
    def order(self) -> tuple[str, str, str, str, int]:
        """Corpus events by date, type and id; then by first mention (two events of one article can
        share an id: same type and first evidence span, kept apart by their dates or countries)."""
        first = self.views[0]
        return self.date_value or "~", self.event_type, self.event_id, first.article_id, first.event_index

    def build(self) -> CorpusEvent:
        """The corpus event (``assemble``), its links explained (``features.explain``)."""
        views = self.views
        links = [
            Link.model_construct(
                a=MentionRef.model_construct(
                    article_id=views[i].article_id, event_index=views[i].event_index
                ),
                b=MentionRef.model_construct(
                    article_id=views[j].article_id, event_index=views[j].event_index
                ),
                score=score,
                features=explain(views[i], views[j]),
            )
            for i, j, score in self.links
        ]
        return assemble(views, links, self.results)
