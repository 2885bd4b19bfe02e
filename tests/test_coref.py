"""Coreference metrics against worked examples from the literature.

Expected values are the CoNLL reference scorer's test cases (Pradhan, Luo, Recasens, Hovy, Ng and
Strube, "Scoring Coreference Partitions of Predicted Mentions: A Reference Implementation", ACL
2014; github.com/conll/reference-coreference-scorers, test/TestCases.README and
test/CorefMetricTestConfig.pm, cases A1-A4), key {a} {bc} {def}; BLANC as extended to system
mentions by Luo, Pradhan, Recasens and Hovy (ACL 2014).
"""

from __future__ import annotations

import pytest

from evals.scoring.coref import b_cubed, blanc, ceaf_e, coref_scores, muc

KEY = [{"a"}, {"b", "c"}, {"d", "e", "f"}]
TOL = 1e-4

# case -> (response, {metric: (recall, precision, f1)})
CASES = {
    "A1 perfect": (KEY, {"muc": (1, 1, 1), "b_cubed": (1, 1, 1), "ceaf_e": (1, 1, 1), "blanc": (1, 1, 1)}),
    "A2 missing mentions": (
        [{"a"}, {"d", "e"}],
        {
            "muc": (1 / 3, 1, 0.5),
            "b_cubed": ((7 / 3) / 6, 1, 14 / 25),
            "ceaf_e": (0.6, 0.9, 0.72),
            "blanc": (0.21591, 1, 0.35385),
        },
    ),
    "A3 false-alarm mentions": (
        [{"a"}, {"b", "c", "x"}, {"d", "e", "f", "y"}, {"z"}],
        {
            "muc": (1, 3 / 5, 0.75),
            "b_cubed": (1, (4 + 7 / 12) / 9, 110 / 163),
            "ceaf_e": (0.88571, 0.66429, 0.75918),
            "blanc": (1, 0.42593, 0.59717),
        },
    ),
    "A4 missing and false-alarm mentions": (
        [{"a"}, {"b", "c", "x"}, {"d", "y"}, {"z"}],
        {
            "muc": (1 / 3, 1 / 3, 1 / 3),
            "b_cubed": (
                (3 + 1 / 3) / 6,
                (1 + 4 / 3 + 1 / 2) / 7,
                2 * (5 / 9) * (17 / 42) / (5 / 9 + 17 / 42),
            ),
            "ceaf_e": (0.73333, 0.55, 0.62857),
            "blanc": (0.35227, 0.27206, 0.30357),
        },
    ),
}
METRICS = {"muc": muc, "b_cubed": b_cubed, "ceaf_e": ceaf_e, "blanc": blanc}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("metric", sorted(METRICS))
def test_metric_reproduces_the_reference_scorer_test_case(case: str, metric: str) -> None:
    response, expected = CASES[case]
    key = [frozenset(c) for c in KEY]
    got = METRICS[metric](key, [frozenset(c) for c in response])
    assert (got.recall, got.precision, got.f1) == pytest.approx(expected[metric], abs=TOL)


def test_conll_f1_is_the_mean_of_muc_b_cubed_and_ceaf_e_f1() -> None:
    scores = coref_scores(KEY, CASES["A3 false-alarm mentions"][0])
    assert scores.conll_f1 == pytest.approx((0.75 + 110 / 163 + 0.75918) / 3, abs=TOL)
    assert (scores.key_mentions, scores.key_entities, scores.response_mentions, scores.response_entities) == (
        6,
        3,
        9,
        4,
    )


def test_muc_is_zero_when_a_side_has_no_link_and_b_cubed_still_credits_singletons() -> None:
    singletons = [{m} for m in "abcdef"]
    assert muc([frozenset(c) for c in KEY], [frozenset(c) for c in singletons]).f1 == 0.0
    assert b_cubed([frozenset(c) for c in KEY], [frozenset(c) for c in singletons]).precision == 1.0


def test_a_perfect_clustering_of_singletons_scores_one_on_every_metric() -> None:
    # a gold set where every event is reported once: nothing to merge, and nothing merged
    singletons = [frozenset({m}) for m in "abcd"]
    scores = coref_scores(singletons, singletons)
    assert (scores.muc.recall, scores.muc.precision, scores.muc.f1) == (1.0, 1.0, 1.0)
    assert scores.conll_f1 == 1.0
    assert scores.blanc.f1 == 1.0


def test_muc_is_zero_when_only_the_response_has_links() -> None:
    singletons = [frozenset({m}) for m in "abcd"]
    merged = [frozenset("ab"), frozenset("c"), frozenset("d")]
    assert muc(singletons, merged).f1 == 0.0
    assert muc(merged, singletons).f1 == 0.0


def test_blanc_uses_only_non_coreference_links_when_no_side_has_a_coreference_link() -> None:
    all_single = [frozenset({m}) for m in "abc"]
    assert (blanc(all_single, all_single).f1, blanc([frozenset("a")], [frozenset("a")]).f1) == (1.0, 1.0)
    assert blanc([frozenset("a")], [frozenset("b")]).f1 == 0.0


def test_ceaf_e_aligns_entities_one_to_one() -> None:
    # two response entities cannot both take credit for the one key entity
    score = ceaf_e([frozenset("abcd")], [frozenset("ab"), frozenset("cd")])
    assert score.recall == pytest.approx(2 * 2 / 6)
    assert score.precision == pytest.approx(2 * 2 / 6 / 2)
