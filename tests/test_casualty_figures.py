"""A casualty figure is a casualty figure: a number in a casualty clause, never a date, year, time or unit."""

from __future__ import annotations

import pytest

from extractor.derive import casualty_figures, figure_in


def _figures(text: str) -> list[tuple[int, str]]:
    return [(f.value, f.kind) for f in casualty_figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 soldiers were killed", [(3, "killed")]),
        ("at least 10 soldiers died", [(10, "killed")]),
        ("killing three soldiers", [(3, "killed")]),
        ("twenty-four people were wounded", [(24, "injured")]),
        ("The death toll rose to 1,200 on Sunday", [(1200, "killed")]),
        ("a soldier was killed in the blast", [(1, "killed")]),
        ("an officer was injured", [(1, "injured")]),
        ("a dozen villagers were killed", [(12, "killed")]),
        ("two hundred people died", [(200, "killed")]),
        ("The strike killed 12 people and wounded 30 others", [(12, "killed"), (30, "injured")]),
        ("killing 3 and wounding 10", [(3, "killed"), (10, "injured")]),
        ("two militants were killed, and four other people were wounded", [(2, "killed"), (4, "injured")]),
        ("Officials said 7 bodies were recovered", [(7, "killed")]),
    ],
)
def test_casualty_figures_are_found_with_their_kind(text: str, expected: list[tuple[int, str]]) -> None:
    assert _figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a rocket attack on December 27, 2019 that killed a US contractor",  # 27 and 2019 are a date
        "the attack on 3 March killed a civilian",  # 3 is a day
        "In 2019, the group killed a commander",  # a year
        "a 25-year-old man was shot dead",  # an age
        "a man aged 30 died in hospital",  # an age
        "an F-15 jet killed a driver",  # a designation
        "the shelling lasted 30 minutes and killed a boy",  # a duration
        "at 10:30 a gunman killed a guard",  # a time
        "the 3rd brigade killed a sniper",  # an ordinal
        "prices rose 15 percent after a trader was killed",  # a unit
        "they fired 40 rockets and a soldier died",  # munitions are counted, not people
    ],
)
def test_dates_years_ages_units_and_designations_are_not_figures(text: str) -> None:
    assert [value for value, _ in _figures(text)] == [1]


@pytest.mark.parametrize(
    "text",
    [
        "1,200 people fled the town",  # no casualty word
        "The US troops have been targeted more than 150 times since October",
        "The ministry said on Tuesday that 5 buildings were destroyed",
        "",
    ],
)
def test_a_number_without_a_casualty_word_in_its_clause_is_not_a_figure(text: str) -> None:
    assert _figures(text) == []


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("A neighbour told a reporter that a farmer was killed in the shelling", "a farmer"),
        ("In a statement on Monday an officer said a guard was wounded", "a guard"),
        ("A jeep hit a mine, and a driver died", "a driver"),
    ],
)
def test_a_as_one_is_the_a_nearest_the_casualty_word(text: str, counted: str) -> None:
    figures = casualty_figures(text)
    assert [(f.value, text[f.start :]) for f in figures] == [(1, text[text.index(counted) :])]


def test_a_number_in_another_clause_than_the_casualty_word_is_not_a_figure() -> None:
    assert _figures("Police arrested 40 people; a protester died later") == [(1, "killed")]


@pytest.mark.parametrize(
    ("count", "kind", "quote", "expected"),
    [
        (3, "killed", "killing three soldiers, the army said", True),
        (3, "injured", "killing three soldiers, the army said", False),
        (2019, "killed", "a rocket attack on December 27, 2019 that killed a US contractor", False),
        (27, "killed", "a rocket attack on December 27, 2019 that killed a US contractor", False),
        (1, "killed", "a rocket attack on December 27, 2019 that killed a US contractor", True),
        (40, "injured", "Casualties numbered 40", True),
        (40, "killed", "Casualties numbered 40", True),
        (4, "killed", "killing three soldiers", False),
    ],
)
def test_figure_in_checks_value_and_kind(count: int, kind: str, quote: str, expected: bool) -> None:
    assert figure_in(count, kind, quote) is expected


# ------------------------------------------------------------------ a year is never a head count
YEAR_SENTENCE = "The 2019 attack killed five people, officials said."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (YEAR_SENTENCE, [(5, "killed")]),  # "2019 attack": a year before an event noun
        ("The 2021 ambush left two soldiers dead.", [(2, "killed")]),
        ("2000 people were killed", [(2000, "killed")]),  # a head count: a word for people follows
        ("1500 Syrian soldiers died", [(1500, "killed")]),
        ("2000 killed in the raid", [(2000, "killed")]),  # a casualty verb at once
        ("about 1900 were wounded", [(1900, "injured")]),
    ],
)
def test_a_year_before_an_event_noun_is_not_a_count_but_a_head_count_is(
    text: str, expected: list[tuple[int, str]]
) -> None:
    assert _figures(text) == expected


def test_the_llm_cannot_make_a_year_a_count() -> None:
    assert not figure_in(2019, "killed", YEAR_SENTENCE)
    assert figure_in(5, "killed", YEAR_SENTENCE)
