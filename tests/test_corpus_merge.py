"""Merge: one corpus event per real-world event, every claim and source kept, whatever the input order."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals.convert import gold_to_result
from evals.gold import ARTICLES_DIR, load_all_gold
from extractor import InputError, merge
from extractor.corpus.features import (
    MERGE_THRESHOLD,
    MentionView,
    blocked,
    max_without_shared_key,
    place_credit,
    similarity,
)
from extractor.derive import names_match
from schemas.corpus_v2 import FATALITIES_RULE
from schemas.events_v3 import ArticleResult, Event, PlaceResolution
from tests.corpus_fakes import event, result

GOLDS = load_all_gold()
TEXTS = {g.article_id: (ARTICLES_DIR / f"{g.article_id}.txt").read_text(encoding="utf-8") for g in GOLDS}
GOLD_RESULTS = [gold_to_result(g, TEXTS[g.article_id]) for g in GOLDS]


def _clusters(results: list[ArticleResult]) -> set[frozenset[tuple[str, int, int]]]:
    """Corpus events as sets of (article, first evidence offsets): independent of event order."""
    return {
        frozenset((m.article_id, m.event.evidence[0].start, m.event.evidence[0].end) for m in e.mentions)
        for e in merge(results).events
    }


def test_every_real_world_event_of_the_gold_is_one_corpus_event_with_every_claim_and_claimant() -> None:
    gold_records = defaultdict(list)
    for gold in GOLDS:
        for i, record in enumerate(gold.events):
            gold_records[record.global_id].append((gold.article_id, i, record))
    corpus = merge(GOLD_RESULTS)
    reported_by_several = [gid for gid, recs in gold_records.items() if len({a for a, _, _ in recs}) > 1]
    assert (
        len(reported_by_several) == 2
    )  # the gold's two multi-article events (27 Dec attack, 29 Dec strikes)
    for gid, records in gold_records.items():
        holding = [
            e
            for e in corpus.events
            if {(m.article_id, m.event_index) for m in e.mentions} & {(a, i) for a, i, _ in records}
        ]
        assert len(holding) == 1, f"{gid} is split over {len(holding)} corpus events"
        merged = holding[0]
        assert {(m.article_id, m.event_index) for m in merged.mentions} == {(a, i) for a, i, _ in records}
        assert {s.article_id for s in merged.sources} == {a for a, _, _ in records}
        expected = [(a, c) for a, _, r in records for c in r.casualties]
        assert len(merged.claims) == len(expected)
        for article, claim in expected:
            assert any(
                c.article_id == article
                and (c.kind, c.count) == (claim.kind, claim.count)
                and names_match(c.claimed_by, claim.claimed_by)
                for c in merged.claims
            ), f"{gid}: claim {claim.count} {claim.kind} by {claim.claimed_by} of {article} is missing"
        killed = [c.count for _, c in expected if c.kind == "killed"]
        assert merged.fatalities == (min(killed) if killed else None)


@settings(max_examples=25, deadline=None)
@given(st.permutations(GOLD_RESULTS))
def test_merge_output_does_not_depend_on_the_order_of_the_results(shuffled: list[ArticleResult]) -> None:
    assert [e.model_dump() for e in merge(shuffled).events] == [
        e.model_dump() for e in merge(GOLD_RESULTS).events
    ]


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_merge_clusters_do_not_depend_on_the_order_of_events_within_articles(rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = []
    for r in GOLD_RESULTS:
        events = list(r.events)
        rnd.shuffle(events)
        shuffled.append(r.model_copy(update={"events": events}))
    assert _clusters(shuffled) == _clusters(GOLD_RESULTS)
    assert {e.event_id for e in merge(shuffled).events} == {e.event_id for e in merge(GOLD_RESULTS).events}


def test_event_ids_are_stable_across_runs_and_follow_the_content() -> None:
    first = [e.event_id for e in merge(GOLD_RESULTS).events]
    assert first == [e.event_id for e in merge(GOLD_RESULTS).events]
    assert len(set(first)) == len(first)
    moved = [r.model_copy(update={"article_id": r.article_id + "-copy"}) for r in GOLD_RESULTS]
    assert not set(first) & {e.event_id for e in merge(moved).events}


def test_same_type_day_and_country_link_and_the_explanation_names_what_agreed() -> None:
    a = result("a", event(actor1="Northern Front"))
    b = result("b", event(actor1="the Northern Front"))
    (merged,) = merge([a, b]).events
    (link,) = merged.merge_explanation
    assert link.score >= MERGE_THRESHOLD
    assert set(link.features) == {"event_type", "date", "countries", "actors"}
    assert "Northern Front" in link.features["actors"]


def test_a_week_needs_an_agreeing_actor_or_place_to_link_to_a_day() -> None:
    day = event(date="2020-01-08", precision="day")
    week = event(date="2020-W02", precision="week")
    assert len(merge([result("a", day), result("b", week)]).events) == 2
    with_actor = [
        result("a", event(date="2020-01-08", actor1="Eastern Militia")),
        result("b", event(date="2020-W02", precision="week", actor1="Eastern Militia")),
    ]
    (merged,) = merge(with_actor).events
    assert merged.date.value == "2020-01-08"  # the most precise date every mention agrees with
    with_place = [
        result("a", event(date="2020-01-08", place="Town Alpha")),
        result("b", event(date="2020-W02", precision="week", place="Town Alpha")),
    ]
    assert len(merge(with_place).events) == 1


@pytest.mark.parametrize(
    ("other", "reason"),
    [
        (event(date="2020-01-06"), "dates disagree"),
        (event(countries=("MLI",)), "different countries"),
        (event(event_type="Peaceful protest"), "different type families"),
        (event(date=None), "undated"),
    ],
)
def test_blocking_rules_keep_events_apart_whatever_else_agrees(other, reason) -> None:  # type: ignore[no-untyped-def]
    base = event(actor1="Northern Front", actor2="Town Guard", place="Town Alpha")
    other = other.model_copy(
        update={"actor1": base.actor1, "actor2": base.actor2, "locations": other.locations}
    )
    a, b = MentionView("a", 0, base), MentionView("b", 0, other)
    assert blocked(a, b) == reason
    assert len(merge([result("a", base), result("b", other)]).events) == 2


def test_a_different_sub_event_type_with_reversed_actors_on_the_same_day_stays_apart() -> None:
    strike = event(event_type="Air/drone strike", actor1="Force One", actor2="Group Two")
    shelling = event(event_type="Shelling/artillery/missile attack", actor1="Group Two", actor2="Force One")
    score, _ = similarity(MentionView("a", 0, strike), MentionView("b", 0, shelling))
    assert score < MERGE_THRESHOLD
    assert len(merge([result("a", strike), result("b", shelling)]).events) == 2


def test_two_events_of_one_article_are_never_merged_unless_duplicates() -> None:
    same = result("a", event(evidence_at=0), event(evidence_at=50))
    assert len(merge([same]).events) == 2
    duplicated = result("a", event(evidence_at=0), event(evidence_at=0))
    assert len(merge([duplicated]).events) == 1


def test_complete_linkage_never_puts_two_events_of_one_article_in_one_corpus_event() -> None:
    # b's single event links to both of a's events; only one of them may join it
    a = result("a", event(actor1="Group X", evidence_at=0), event(actor1="Group X", evidence_at=40))
    b = result("b", event(actor1="Group X"))
    for corpus_event in merge([a, b]).events:
        articles = [m.article_id for m in corpus_event.mentions]
        assert len(articles) == len(set(articles))


def test_an_undated_event_stays_its_own_corpus_event_and_is_reported() -> None:
    corpus = merge([result("a", event(date=None)), result("b", event(date=None)), result("c", event())])
    assert len(corpus.events) == 3
    assert [(w.article_id, w.event_index) for w in corpus.warnings] == [("a", 0), ("b", 0)]
    assert all("no date" in w.message for w in corpus.warnings)


def test_conflicting_figures_are_kept_side_by_side_and_fatalities_is_the_lowest_killed() -> None:
    a = result("a", event(actor1="Group X", killed=[(4, "the army")]), url="https://a.example/1")
    b = result("b", event(actor1="Group X", killed=[(19, "a militia spokesman"), (24, None)]))
    (merged,) = merge([a, b]).events
    assert sorted((c.count, c.claimed_by, c.article_id) for c in merged.claims) == [
        (4, "the army", "a"),
        (19, "a militia spokesman", "b"),
        (24, None, "b"),
    ]
    assert merged.fatalities == 4
    assert merged.fatalities_rule == FATALITIES_RULE
    assert [(s.article_id, s.url) for s in merged.sources] == [("a", "https://a.example/1"), ("b", None)]
    assert merge([result("a", event())]).events[0].fatalities is None


def test_the_merged_type_and_actor_are_what_most_mentions_say() -> None:
    results = [
        result("a", event(actor1="Group X")),
        result("b", event(actor1="group x")),
        result("c", event(event_type="Shelling/artillery/missile attack", actor1="Group X", place="Town")),
    ]
    corpus = merge(results)
    big = max(corpus.events, key=lambda e: len(e.mentions))
    assert len(big.mentions) == 3
    assert big.event_type == "Air/drone strike"  # two of three mentions
    assert big.actor1 is not None and big.actor1.name == "Group X"
    assert big.actor1.names == ["Group X", "group x"]


def test_duplicate_article_ids_are_refused_with_the_id_named() -> None:
    with pytest.raises(InputError, match="'a'"):
        merge([result("a", event()), result("a", event())])


def test_another_acled_type_of_the_same_family_links_only_when_everything_else_agrees() -> None:
    # an IED that killed soldiers, coded by one article as Explosions/Remote violence, by another as Battles
    full = {"actor1": "Northern Front", "actor2": "Town Guard", "place": "Town Alpha"}
    bomb = event(event_type="Remote explosive/landmine/IED", **full)  # type: ignore[arg-type]
    clash = event(event_type="Armed clash", **full)  # type: ignore[arg-type]
    (merged,) = merge([result("a", bomb), result("b", clash)]).events
    assert "same type family: armed violence" in merged.merge_explanation[0].features["event_type"]
    one_actor = event(
        event_type="Armed clash", actor1="Northern Front", actor2="Someone Else", place="Town Alpha"
    )
    assert len(merge([result("a", bomb), result("b", one_actor)]).events) == 2


def test_periods_that_only_overlap_link_with_enough_else_in_common() -> None:
    # an ISO week across the end of January, and February: neither inside the other
    week = event(
        date="2020-W05", precision="week", actor1="Eastern Militia", actor2="Villagers", place="Town Alpha"
    )
    month = event(
        date="2020-02", precision="month", actor1="Eastern Militia", actor2="Villagers", place="Town Alpha"
    )
    a, b = MentionView("a", 0, week), MentionView("b", 0, month)
    assert blocked(a, b) is None
    score, features = similarity(a, b)
    assert features["date"] == "overlapping: 2020-W05 / 2020-02" and score >= MERGE_THRESHOLD
    bare = event(date="2020-02", precision="month")
    assert len(merge([result("a", week), result("b", bare)]).events) == 2
    apart = event(
        date="2020-03", precision="month", actor1="Eastern Militia", actor2="Villagers", place="Town Alpha"
    )
    assert blocked(a, MentionView("c", 0, apart)) == "dates disagree"


def _resolved(built: Event, lat: float, lon: float, admin1: str, *, precision: int = 1) -> Event:
    """Give the event's first location a GeoNames resolution as extractor.geo would (events.v3)."""
    found = PlaceResolution(
        latitude=lat, longitude=lon, admin1=admin1, country_code="NGA", geo_precision=precision
    )
    first = built.locations[0].model_copy(update={"resolution": found})
    return built.model_copy(update={"locations": [first, *built.locations[1:]]})


def test_resolved_places_are_compared_by_distance_and_first_level_unit_not_by_words() -> None:
    # two names of one town 8 km apart; one name for two towns 400 km apart
    near = [
        _resolved(event(place="Town Alpha"), 12.00, 8.50, "North"),
        _resolved(event(place="Alpha City"), 12.07, 8.52, "North"),
    ]
    homonyms = [
        _resolved(event(place="Springvale"), 12.00, 8.50, "North"),
        _resolved(event(place="Springvale"), 9.00, 6.00, "South"),
    ]
    province = [
        _resolved(event(place="Town Alpha"), 12.00, 8.50, "North"),
        _resolved(event(place="Town Beta"), 11.00, 9.50, "North"),
    ]
    views = {
        name: [MentionView(f"{name}{i}", 0, e) for i, e in enumerate(pair)]
        for name, pair in (("near", near), ("homonyms", homonyms), ("province", province))
    }
    assert [place_credit(v[0].place_views[0], v[1].place_views[0]) for v in views.values()] == [1.0, 0.0, 0.5]
    _, features = similarity(*views["near"])
    assert features["places"] == "Town Alpha ~ Alpha City (8 km apart)"
    assert "places" not in similarity(*views["homonyms"])[1]
    unresolved = MentionView("u", 0, event(place="Springvale"))
    assert place_credit(views["homonyms"][0].place_views[0], unresolved.place_views[0]) == 1.0  # words, then
    admin_only = _resolved(event(place="North"), 11.5, 9.0, "North", precision=3)
    assert MentionView("p", 0, admin_only).place_views[0].point is None  # a province's middle is no place


def test_a_pair_sharing_no_index_key_cannot_reach_the_threshold() -> None:
    assert max_without_shared_key() < MERGE_THRESHOLD
