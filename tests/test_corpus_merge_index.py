"""The indexed, incremental merge gives exactly the clusters of the all-pairs procedure it replaces."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals.convert import gold_to_result
from evals.gold import ARTICLES_DIR, load_all_gold
from extractor import InputError, merge
from extractor.corpus import IncrementalCorpus, blocking
from extractor.corpus.assembly import assemble
from extractor.corpus.blocking import BlockIndex
from extractor.corpus.features import MERGE_THRESHOLD, MentionView, blocked, score, similarity
from extractor.corpus.merge import Corpus, MergeWarning
from schemas.corpus_v2 import CorpusEvent, Link, MentionRef
from schemas.events_v1 import SubEventType
from schemas.events_v3 import ArticleResult, Event, PlaceResolution
from tests.corpus_fakes import event, result

TYPES: tuple[SubEventType, ...] = (  # three ACLED event types of one family, two of another, a third
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Armed clash",
    "Attack",
    "Abduction/forced disappearance",
    "Peaceful protest",
    "Violent demonstration",
    "Arrests",
)
DATES = (
    ("2020-01-05", "day"),
    ("2020-01-06", "day"),
    ("2020-01-31", "day"),
    ("2020-02-01", "day"),
    ("2020-W02", "week"),
    ("2020-W05", "week"),  # straddles January and February
    ("2020-01", "month"),
    ("2020-02", "month"),
    (None, None),
)
COUNTRIES = ((), ("NGA",), ("NER",), ("NGA", "NER"), ("MLI",))
PLACES = (None, "Kano", "Kano State", "Diffa", "Gao")
ACTORS = (None, "Group X", "Group X fighters", "the army", "Army", "unknown gunmen", "Police")


def _reference_clusters(views: list[MentionView], threshold: float) -> list[tuple[list[int], list[Link]]]:
    """The clustering as it was before the index: every pair of mentions compared, and every pair
    across two clusters checked before they are joined."""
    candidates = []
    for i, j in itertools.combinations(range(len(views)), 2):
        if blocked(views[i], views[j]) is None:
            score, features = similarity(views[i], views[j])
            if score >= threshold:
                candidates.append((score, i, j, features))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    parent = list(range(len(views)))
    members = {i: [i] for i in range(len(views))}
    links: dict[int, list[Link]] = {i: [] for i in range(len(views))}

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for score, i, j, features in candidates:
        ri, rj = find(i), find(j)
        if ri == rj or any(blocked(views[p], views[q]) is not None for p in members[ri] for q in members[rj]):
            continue
        ra, rb = sorted((ri, rj))
        parent[rb] = ra
        members[ra] += members.pop(rb)
        ref_i = MentionRef(article_id=views[i].article_id, event_index=views[i].event_index)
        ref_j = MentionRef(article_id=views[j].article_id, event_index=views[j].event_index)
        links[ra] += [*links.pop(rb), Link(a=ref_i, b=ref_j, score=score, features=features)]
    return [(m, links[root]) for root, m in members.items()]


def reference_merge(results: Sequence[ArticleResult], threshold: float = MERGE_THRESHOLD) -> Corpus:
    """The merge as it was before the index (``_reference_clusters``)."""
    by_id = {r.article_id: r for r in results}
    views = [MentionView(aid, i, e) for aid in sorted(by_id) for i, e in enumerate(by_id[aid].events)]
    events = [
        assemble([views[m] for m in members], links, by_id)
        for members, links in _reference_clusters(views, threshold)
    ]
    events.sort(
        key=lambda e: (
            e.date.value or "~",
            e.event_type,
            e.event_id,
            e.mentions[0].article_id,
            e.mentions[0].event_index,
        )
    )
    warnings = [
        MergeWarning(v.article_id, v.event_index, "event has no date: kept as its own corpus event")
        for v in views
        if v.interval is None
    ]
    return Corpus(events=events, warnings=warnings)


#: Resolutions of the places (as extractor.geo gives them): points 0, 10, 30 and 400 km apart, admin1s.
POINTS = ((12.0, 8.5), (12.09, 8.5), (12.27, 8.5), (9.0, 6.0))
ADMINS = ("North", "South")


def _random_event(rnd: random.Random) -> Event:
    date, precision = rnd.choice(DATES)
    built = _plain_event(rnd, date, precision)
    if built.locations and built.locations[0].place is not None and rnd.random() < 0.5:
        lat, lon = rnd.choice(POINTS)
        found = PlaceResolution(
            latitude=lat,
            longitude=lon,
            admin1=rnd.choice(ADMINS),
            country_code=built.locations[0].country_code,
            geo_precision=rnd.choice((1, 1, 2, 3)),
        )
        update: dict[str, object] = {"resolution": found}  # as extractor.geo resolves it
        if rnd.random() < 0.3:  # a place the record names without its country
            update |= {"country_code": None, "country_name": None}
        first = built.locations[0].model_copy(update=update)
        built = built.model_copy(update={"locations": [first, *built.locations[1:]]})
    return built


def _plain_event(rnd: random.Random, date: str | None, precision: str | None) -> Event:
    return event(
        event_type=rnd.choice(TYPES),
        date=date,
        precision=precision,  # type: ignore[arg-type]
        countries=rnd.choice(COUNTRIES),
        place=rnd.choice(PLACES),
        actor1=rnd.choice(ACTORS),
        actor2=rnd.choice(ACTORS),
        killed=[(rnd.randint(1, 9), rnd.choice((None, "police")))] if rnd.random() < 0.5 else [],
        evidence_at=rnd.choice((0, 0, 40, 80)),  # shared evidence within an article: duplicates
    )


def random_results(seed: int, articles: int) -> list[ArticleResult]:
    rnd = random.Random(seed)
    return [
        result(f"art-{n:03d}", *(_random_event(rnd) for _ in range(rnd.randint(0, 3))))
        for n in range(articles)
    ]


def _same(a: Corpus, b: Corpus) -> None:
    assert [e.model_dump() for e in a.events] == [e.model_dump() for e in b.events]
    assert a.warnings == b.warnings


@pytest.mark.parametrize("short", [24, 1])
@pytest.mark.parametrize("seed", range(12))
def test_the_indexed_merge_equals_the_all_pairs_merge_on_dense_random_corpora(
    seed: int, short: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocking, "_SHORT", short)  # 1: every posting kept by period and country
    results = random_results(seed, articles=40)
    expected = reference_merge(results)
    assert any(len(e.mentions) > 2 for e in expected.events)  # the corpora do merge
    _same(merge(results), expected)


@pytest.mark.parametrize("seed", range(3))
def test_every_corpus_event_built_without_validation_is_valid(seed: int) -> None:
    for built in merge(random_results(seed, articles=40)).events:
        checked = CorpusEvent.model_validate(built.model_dump())
        assert checked == built
        assert checked.model_dump_json() == built.model_dump_json()


def test_the_indexed_merge_equals_the_all_pairs_merge_on_the_gold() -> None:
    golds = load_all_gold()
    results = [
        gold_to_result(g, (ARTICLES_DIR / f"{g.article_id}.txt").read_text(encoding="utf-8")) for g in golds
    ]
    _same(merge(results), reference_merge(results))


@settings(max_examples=40)
@given(
    seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False), reads=st.sets(st.integers(0, 30))
)
def test_adding_and_replacing_results_one_by_one_ends_where_one_merge_does(
    seed: int, order: random.Random, reads: set[int]
) -> None:
    first = random_results(seed, articles=20)
    second = random_results(seed + 1, articles=20)  # the same article ids, other events
    # every article arrives once, some arrive again later with another result (replacing the first)
    arrivals = [*first, *order.sample(second, 8)]
    order.shuffle(arrivals)
    corpus = IncrementalCorpus()
    latest: dict[str, ArticleResult] = {}
    for step, arriving in enumerate(arrivals):
        corpus.add(arriving, replace=True)
        latest[arriving.article_id] = arriving
        if step in reads:  # a read in between settles part of the work
            corpus.corpus()
    _same(corpus.corpus(), reference_merge(list(latest.values())))
    assert len(corpus) == len(latest)


def test_removing_every_result_leaves_an_empty_corpus_and_adding_back_restores_it() -> None:
    results = random_results(3, articles=25)
    corpus = IncrementalCorpus()
    for r in results:
        corpus.add(r)
    full = corpus.corpus()
    for r in results[::2]:
        corpus.remove(r.article_id)
    _same(corpus.corpus(), reference_merge(results[1::2]))
    for r in results[1::2]:
        corpus.remove(r.article_id)
    assert corpus.corpus().events == [] and len(corpus) == 0
    for r in reversed(results):
        corpus.add(r)
    _same(corpus.corpus(), full)


def test_a_repeated_article_id_is_refused_unless_it_replaces() -> None:
    corpus = IncrementalCorpus()
    corpus.add(result("a", event(actor1="Group X")))
    with pytest.raises(InputError, match="'a'"):
        corpus.add(result("a", event(actor1="Group Y")))
    corpus.add(result("a", event(actor1="Group Y")), replace=True)
    [only] = corpus.corpus().events
    assert only.actor1 is not None and only.actor1.name == "Group Y"


@pytest.mark.parametrize("short", [24, 1])
def test_the_index_returns_every_mention_that_could_be_linked(
    short: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocking, "_SHORT", short)
    rnd = random.Random(7)
    views = [MentionView(f"a{n}", 0, _random_event(rnd)) for n in range(300)]
    index = BlockIndex()
    for view in views:
        index.add(view)
    linkable = 0
    for view in views:
        found = index.candidates(view)
        for other in views:
            if other is not view and blocked(view, other) is None and score(view, other) >= MERGE_THRESHOLD:
                linkable += 1
                assert other.key in found, (view.event, other.event)
    assert linkable > 300
    for view in views[::2]:
        index.remove(view)
    kept = {v.key for v in views[1::2]}
    assert all(index.candidates(v) <= kept for v in views)
