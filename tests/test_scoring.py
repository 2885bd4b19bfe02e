"""Scoring: self-score is perfect; each perturbation lowers exactly the figures it should."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals.convert import gold_to_result, locate
from evals.gold import ARTICLES_DIR, GOLD_DIR, GoldArticle, GoldEvent, load_all_gold
from evals.scoring import (
    MATCH_THRESHOLD,
    SLOTS,
    Counts,
    Ratio,
    country_key,
    date_agrees,
    date_interval,
    match_events,
    name_key,
    names_match,
    prf,
    quote_grounded,
    score_article,
    score_corpus,
    similarity,
)
from schemas.events_v3 import Event, Span

# --------------------------------------------------------------------------- synthetic fixture

#: An invented article (no real events), published Tuesday 2024-03-05.
SYNTHETIC_TEXT = (
    "Published March 5, 2024.\n\n"
    "On Sunday, government troops clashed with fighters of the Red Hills Movement near Goma in the "
    "Democratic Republic of the Congo. The army said 12 rebels were killed, while the movement said "
    "at least 3 soldiers died and about 20 people were injured.\n\n"
    "On Monday a drone strike by the Eastern Alliance hit a market in Kisoro, Uganda, "
    "killing 4 civilians, according to local officials.\n\n"
    "Last week, hundreds of protesters marched peacefully through Kinshasa "
    "to demand an end to the fighting.\n"
)

SYNTHETIC_GOLD: dict[str, object] = {
    "article_id": "synthetic_001",
    "published": "2024-03-05",
    "published_source": "text: first line",
    "title": "An invented article",
    "events": [
        {
            "global_id": "syn-clash",
            "event_type": "Armed clash",
            "date": {"text": "Sunday", "value": "2024-03-03", "precision": "day"},
            "locations": [{"country": "Democratic Republic of the Congo", "place": "Goma"}],
            "actor1": "Military Forces of the Democratic Republic of Congo",
            "actor1_aliases": ["government troops", "the army"],
            "actor2": "Red Hills Movement",
            "actor2_aliases": ["the movement"],
            "casualties": [
                {
                    "kind": "killed",
                    "count": 12,
                    "qualifier": "exact",
                    "claimed_by": "the army",
                    "victims": "rebels",
                    "quote": "The army said 12 rebels were killed",
                },
                {
                    "kind": "killed",
                    "count": 3,
                    "qualifier": "at_least",
                    "claimed_by": "the movement",
                    "victims": "soldiers",
                    "quote": "at least 3 soldiers died",
                },
                {
                    "kind": "injured",
                    "count": 20,
                    "qualifier": "approximate",
                    "claimed_by": "the movement",
                    "victims": "people",
                    "quote": "about 20 people were injured",
                },
            ],
            "evidence": [
                {"quote": "government troops clashed with fighters of the Red Hills Movement near Goma"}
            ],
        },
        {
            "global_id": "syn-strike",
            "event_type": "Air/drone strike",
            "date": {"text": "Monday", "value": "2024-03-04", "precision": "day"},
            "locations": [{"country": "Uganda", "place": "Kisoro"}],
            "actor1": "Eastern Alliance",
            "actor2": "Civilians (Uganda)",
            "actor2_aliases": ["civilians"],
            "casualties": [
                {
                    "kind": "killed",
                    "count": 4,
                    "qualifier": "exact",
                    "claimed_by": "local officials",
                    "victims": "civilians",
                    "quote": "killing 4 civilians, according to local officials",
                },
            ],
            "evidence": [{"quote": "a drone strike by the Eastern Alliance hit a market in Kisoro, Uganda"}],
        },
        {
            "global_id": "syn-protest",
            "event_type": "Peaceful protest",
            "date": {"text": "Last week", "value": "2024-W09", "precision": "week"},
            "locations": [{"country": "Democratic Republic of the Congo", "place": "Kinshasa"}],
            "actor1": "Protesters (Democratic Republic of Congo)",
            "actor1_aliases": ["protesters"],
            "evidence": [{"quote": "hundreds of protesters marched peacefully through Kinshasa"}],
        },
    ],
}

ALL_FIGURES = frozenset(
    {
        "event_f1",
        "event_f1_typed",
        *(f"slot_f1.{s}" for s in SLOTS),
        "claim_f1",
        "attribution_accuracy",
        "grounding_rate",
    }
)


def synthetic_gold() -> GoldArticle:
    """A fresh copy of the synthetic gold article."""
    return GoldArticle.model_validate(SYNTHETIC_GOLD)


def predictions(gold: GoldArticle, text: str = SYNTHETIC_TEXT) -> list[Event]:
    """Predicted events equivalent to ``gold``."""
    return gold_to_result(gold, text).events


def figures_of(
    preds: list[Event], gold: GoldArticle | None = None, text: str = SYNTHETIC_TEXT
) -> dict[str, float]:
    """Per-article headline figures of ``preds`` against the (unperturbed) synthetic gold."""
    return score_article(preds, gold or synthetic_gold(), text).figures


def lowered(figures: dict[str, float]) -> set[str]:
    """Names of figures below 1.0 (a perfect score is 1.0 everywhere)."""
    return {k for k, v in figures.items() if v < 1.0}


def spurious_event() -> GoldEvent:
    """An event the synthetic article does not report, grounded in its text."""
    return GoldEvent.model_validate(
        {
            "global_id": "spurious",
            "event_type": "Looting/property destruction",
            "date": {"text": None, "value": "2023", "precision": "year"},
            "locations": [{"country": "Kenya"}],
            "actor1": "protesters",
            "evidence": [{"quote": "to demand an end to the fighting"}],
        }
    )


# --------------------------------------------------------------------------- self-score


def test_gold_scored_against_itself_is_perfect_on_every_figure() -> None:
    gold = synthetic_gold()
    figures = figures_of(predictions(gold))
    assert set(figures) == ALL_FIGURES
    assert figures == dict.fromkeys(ALL_FIGURES, 1.0)


def test_self_score_matches_every_record_to_itself_with_similarity_one() -> None:
    gold = synthetic_gold()
    preds = predictions(gold)
    assert match_events(preds, gold.events) == [(0, 0, 1.0), (1, 1, 1.0), (2, 2, 1.0)]
    score = score_article(preds, gold, SYNTHETIC_TEXT)
    assert all(f.agree for pair in score.pairs for f in pair.slots)
    assert score.unmatched_gold == [] and score.unmatched_pred == []


# --------------------------------------------------------------------------- perturbations


def _drop(index: int) -> Callable[[GoldArticle], None]:
    def apply(g: GoldArticle) -> None:
        del g.events[index]

    return apply


def _add_spurious(g: GoldArticle) -> None:
    g.events.append(spurious_event())


def _shift_date(g: GoldArticle) -> None:
    g.events[0].date.value = "2024-04-03"


def _swap_actors(g: GoldArticle) -> None:
    e = g.events[0]  # a name travels with its aliases: the article's words are found through them
    e.actor1, e.actor2 = e.actor2, e.actor1
    e.actor1_aliases, e.actor2_aliases = e.actor2_aliases, e.actor1_aliases


def _change_killed_count(g: GoldArticle) -> None:
    g.events[0].casualties[1].count = 5  # the lowest killed figure: fatalities change too


def _change_injured_count(g: GoldArticle) -> None:
    g.events[0].casualties[2].count = 25


def _change_claimant(g: GoldArticle) -> None:
    g.events[0].casualties[0].claimed_by = "the movement"


def _change_qualifier(g: GoldArticle) -> None:
    claim = g.events[0].casualties[1]  # "at least 3 soldiers died": the same figure, another qualifier
    assert claim.qualifier == "at_least"
    claim.qualifier = "exact"


EVERY_SLOT = {f"slot_f1.{s}" for s in SLOTS}
#: The slots every synthetic event fills (the protest and the spurious event have no actor2 or fatalities).
CORE_SLOTS = {
    "slot_f1.event_type",
    "slot_f1.date",
    "slot_f1.date_precision",
    "slot_f1.countries",
    "slot_f1.actor1",
}

PERTURBATIONS: list[tuple[str, Callable[[GoldArticle], None], set[str]]] = [
    ("drop an event with claims", _drop(1), {"event_f1", "event_f1_typed", *EVERY_SLOT, "claim_f1"}),
    (
        "drop an event without claims, actor2 or fatalities",
        _drop(2),
        {"event_f1", "event_f1_typed", *CORE_SLOTS, "slot_f1.place"},
    ),
    ("add a spurious event", _add_spurious, {"event_f1", "event_f1_typed", *CORE_SLOTS}),
    ("shift a date", _shift_date, {"slot_f1.date"}),
    ("swap actor1 and actor2", _swap_actors, {"slot_f1.actor1", "slot_f1.actor2"}),
    ("change the lowest killed count", _change_killed_count, {"claim_f1", "slot_f1.fatalities"}),
    ("change an injured count", _change_injured_count, {"claim_f1"}),
    ("change a claimant", _change_claimant, {"attribution_accuracy"}),
    ("change a qualifier", _change_qualifier, {"claim_f1"}),
]


@pytest.mark.parametrize(
    ("perturb", "expected"), [(p, e) for _, p, e in PERTURBATIONS], ids=[name for name, _, _ in PERTURBATIONS]
)
def test_perturbation_lowers_exactly_the_expected_figures(
    perturb: Callable[[GoldArticle], None], expected: set[str]
) -> None:
    perturbed = synthetic_gold()
    perturb(perturbed)
    figures = figures_of(predictions(perturbed))
    assert set(figures) == ALL_FIGURES
    assert lowered(figures) == expected
    assert all(figures[k] == 1.0 for k in ALL_FIGURES - expected)


def test_ungrounded_offsets_lower_only_the_grounding_rate() -> None:
    preds = predictions(synthetic_gold())
    span = preds[1].evidence[0]
    preds[1].evidence[0] = span.model_copy(update={"start": span.start + 1, "end": span.end + 1})
    figures = figures_of(preds)
    assert lowered(figures) == {"grounding_rate"}
    assert figures["grounding_rate"] == pytest.approx(6 / 7)  # 3 evidence + 4 claim quotes


def test_dropping_an_event_counts_its_claims_and_slots_as_misses() -> None:
    perturbed = synthetic_gold()
    del perturbed.events[0]
    score = score_article(predictions(perturbed), synthetic_gold(), SYNTHETIC_TEXT)
    assert score.tally.events == Counts(tp=2, fp=0, fn=1)
    assert score.tally.claims == Counts(tp=1, fp=0, fn=3)
    assert score.tally.slots["actor2"] == Counts(tp=1, fp=0, fn=1)
    assert score.unmatched_gold == [0]


def test_typed_event_counts_need_the_same_event_type() -> None:
    perturbed = synthetic_gold()
    perturbed.events[0].event_type = "Government regains territory"  # same ACLED type: still matched
    score = score_article(predictions(perturbed), synthetic_gold(), SYNTHETIC_TEXT)
    assert score.tally.events == Counts(tp=3)
    assert score.tally.events_typed == Counts(tp=2, fp=1, fn=1)
    assert lowered(score.figures) == {"event_f1_typed", "slot_f1.event_type"}


def test_failed_extraction_scores_zero_but_keeps_ratios_defined() -> None:
    figures = figures_of([])
    assert figures["event_f1"] == 0.0 and figures["claim_f1"] == 0.0
    assert figures["attribution_accuracy"] == 1.0 and figures["grounding_rate"] == 1.0


def test_corpus_micro_totals_sum_counts_before_computing_f1() -> None:
    gold = synthetic_gold()
    empty_gold = GoldArticle.model_validate({**SYNTHETIC_GOLD, "article_id": "synthetic_002", "events": []})
    texts = {"synthetic_001": SYNTHETIC_TEXT, "synthetic_002": SYNTHETIC_TEXT}
    half = predictions(gold)[:1]
    corpus = score_corpus({"synthetic_001": half, "synthetic_002": []}, [gold, empty_gold], texts)
    assert corpus.micro.events == Counts(tp=1, fp=0, fn=2)
    assert corpus.figures["event_f1"] == pytest.approx(0.5)
    assert corpus.articles[1].figures == dict.fromkeys(ALL_FIGURES, 1.0)  # nothing predicted, nothing gold


# --------------------------------------------------------------------------- building blocks


def test_prf_is_perfect_when_nothing_is_predicted_and_nothing_is_gold() -> None:
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)


def test_prf_zero_over_zero_is_zero_otherwise() -> None:
    assert prf(0, 0, 3) == (0.0, 0.0, 0.0)
    assert prf(0, 2, 0) == (0.0, 0.0, 0.0)
    assert prf(1, 1, 0) == pytest.approx((0.5, 1.0, 2 / 3))


def test_counts_round_trip_through_json_with_computed_fields() -> None:
    c = Counts(tp=2, fp=1, fn=3)
    assert Counts.model_validate_json(c.model_dump_json()) == c
    assert Ratio(hits=0, total=0).value == 1.0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("U.S.", "us"),
        ("US", "us"),
        ("the United States", "us"),
        ("United States of America", "us"),
        ("U.S.-led coalition", "us led coalition"),
        ("Kata'ib Hezbollah", "kataib hezbollah"),
        ("  The   Army ", "army"),
        ("St. Louis", "st louis"),
    ],
)
def test_normalize_name_folds_case_punctuation_leading_the_and_us(name: str, expected: str) -> None:
    assert name_key(name) == expected


def test_names_match_by_alias_or_whole_word_containment_only() -> None:
    assert names_match("U.S. forces", "United States")
    assert names_match("the Army", "Military Forces", ["army"])
    assert names_match("Hezbollah Brigades", "Kataib Hezbollah Brigades")
    assert not names_match("Bra", "Brazil")
    assert not names_match("Iraqi militia", "Iran")
    assert names_match(None, None)
    assert not names_match("someone", None)
    assert not names_match("...", "...")


@pytest.mark.parametrize(
    ("pred", "gold", "agrees"),
    [
        ("2019-12-27", "2019-12-27", True),
        ("2019-12-27", "2019-12", True),
        ("2019-12", "2019-12-27", True),
        ("2019-12-27", "2019-W52", True),
        ("2019-12-30", "2019-W52", False),
        ("2019-W52", "2019", True),
        ("2019-W01", "2019-01", False),  # 2019-W01 starts on 2018-12-31: not nested in January
        ("2019-12-27", "2018", False),
        (None, "2019", False),
        ("garbage", "2019", False),
    ],
)
def test_date_credit_is_equality_or_containment_either_way(pred: str | None, gold: str, agrees: bool) -> None:
    assert date_agrees(pred, gold) is agrees


def test_iso_week_interval_runs_monday_to_sunday() -> None:
    interval = date_interval("2024-W09")
    assert interval is not None
    assert [d.isoformat() for d in interval] == ["2024-02-26", "2024-03-03"]


def test_similarity_gives_partial_credit_for_the_same_acled_event_type() -> None:
    gold = synthetic_gold()
    pred = predictions(gold)[0]
    other = pred.model_copy(update={"event_type": "Government regains territory"})
    unrelated = pred.model_copy(update={"event_type": "Peaceful protest"})
    assert similarity(pred, gold.events[0]) == 1.0
    assert similarity(other, gold.events[0]) == pytest.approx(1 - 0.35 / 2)
    assert similarity(unrelated, gold.events[0]) == pytest.approx(0.65)


def test_match_events_is_one_to_one_and_drops_pairs_below_threshold() -> None:
    gold = synthetic_gold()
    clash = predictions(gold)[0]
    assert [(g, sim) for _, g, sim in match_events([clash, clash], gold.events)] == [(0, 1.0)]
    assert match_events([clash], gold.events, threshold=1.01) == []
    assert MATCH_THRESHOLD == 0.5


def test_quote_grounding_checks_offsets_after_folding_whitespace_and_quote_marks() -> None:
    text = "He said \u201cwe will  respond\u201d today."
    exact = locate("\u201cwe will  respond\u201d", text)
    assert quote_grounded(exact, text)
    assert quote_grounded(exact.model_copy(update={"quote": '"we will respond"'}), text)
    assert not quote_grounded(Span(quote="we will", start=0, end=7, alignment="exact"), text)
    assert not quote_grounded(Span(quote="x", start=100, end=101, alignment="exact"), text)


# --------------------------------------------------------------------------- properties

_MUTATIONS: list[Callable[[GoldArticle], None]] = [
    _shift_date,
    _swap_actors,
    _change_killed_count,
    _change_injured_count,
    _change_claimant,
    _add_spurious,
]


@settings(max_examples=60, deadline=None)
@given(
    keep=st.lists(st.booleans(), min_size=3, max_size=3),
    mutations=st.lists(st.sampled_from(range(len(_MUTATIONS))), max_size=4),
    gold_keep=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_every_figure_stays_within_unit_interval(
    keep: list[bool], mutations: list[int], gold_keep: list[bool]
) -> None:
    pred_gold = synthetic_gold()
    for m in mutations:
        if pred_gold.events:
            _MUTATIONS[m](pred_gold)
    preds = [e for i, e in enumerate(predictions(pred_gold)) if i >= len(keep) or keep[i]]
    gold = synthetic_gold()
    gold.events = [e for e, k in zip(gold.events, gold_keep, strict=True) if k]
    score = score_article(preds, gold, SYNTHETIC_TEXT)
    assert set(score.figures) == ALL_FIGURES
    assert all(0.0 <= v <= 1.0 for v in score.figures.values())
    assert all(0.0 <= p.similarity <= 1.0 for p in score.pairs)


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_prf_of_any_counts_is_within_unit_interval(tp: int, fp: int, fn: int) -> None:
    c = Counts(tp=tp, fp=fp, fn=fn)
    assert all(0.0 <= v <= 1.0 for v in (c.precision, c.recall, c.f1))
    assert min(c.precision, c.recall) - 1e-12 <= c.f1 <= max(c.precision, c.recall) + 1e-12


# --------------------------------------------------------------------------- real gold


def test_real_gold_scored_against_itself_is_perfect() -> None:
    if not any(GOLD_DIR.glob("*.json")):
        pytest.skip("no gold files in evals/gold/ yet")
    golds = load_all_gold()
    texts = {g.article_id: (ARTICLES_DIR / f"{g.article_id}.txt").read_text(encoding="utf-8") for g in golds}
    preds = {g.article_id: gold_to_result(g, texts[g.article_id]).events for g in golds}
    corpus = score_corpus(preds, golds, texts)
    for article in corpus.articles:
        assert article.figures == dict.fromkeys(ALL_FIGURES, 1.0), article.article_id
    assert corpus.figures == dict.fromkeys(ALL_FIGURES, 1.0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("U.S.", "USA"), ("United States", "USA"), ("Syria", "SYR"), ("  Atlantis ", "atlantis"), (None, None)],
)
def test_country_key_is_alpha3_or_casefolded_name(name: str | None, expected: str | None) -> None:
    assert country_key(name) == expected


def test_country_key_makes_different_spellings_equal() -> None:
    assert country_key("the U.S.") == country_key("United States of America")
