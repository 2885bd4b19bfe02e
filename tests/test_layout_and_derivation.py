"""The reading of an article (wrapped lines, paragraphs, datelines), fatalities per victim group, and
ACLED actor categories. Texts written for these tests."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from extractor.derive import fatalities, victim_group
from extractor.derive.actors import acled_actor_codes, actor_category, interaction_code
from extractor.derive.casualties import detention_figures, nobody_killed
from extractor.strategies.candidates.layout import prepare


# ------------------------------------------------------------------ layout
def test_wrapped_lines_become_one_sentence_and_offsets_point_into_the_original() -> None:
    text = (
        "Rebels attacked a police station in the\n        town on Monday, killing four\n        officers.\n"
    )
    reading = prepare(text)
    assert reading.text == "Rebels attacked a police station in the town on Monday, killing four officers."
    start = reading.text.index("town")
    assert reading.words(start, len(reading.text)).startswith(
        "town on Monday, killing four\n        officers"
    )


def test_a_headline_line_without_a_full_stop_is_its_own_paragraph() -> None:
    reading = prepare("Militants ambush army convoy in east\nMilitants ambushed a convoy on Tuesday.")
    assert reading.text.split("\n\n") == [
        "Militants ambush army convoy in east",
        "Militants ambushed a convoy on Tuesday.",
    ]


def test_a_short_line_inside_a_wrapped_sentence_is_not_a_headline() -> None:
    text = (
        "She hung a banner on the front of the\n"
        "council building of the capital and then\n"
        "Council staff watched.\n"
    )
    assert "\n\n" not in prepare(text).text


def test_a_dateline_is_taken_out_of_the_reading_and_kept() -> None:
    text = "KANDAHAR, Afghanistan (Reuters) - Fighters attacked a post on Monday."
    reading = prepare(text)
    assert reading.text == "Fighters attacked a post on Monday."
    (dateline,) = reading.datelines
    assert text[dateline.place[0] : dateline.place[1]] == "KANDAHAR, Afghanistan"


def test_a_publication_stamp_before_the_prose_is_a_dateline_date() -> None:
    text = "date 2023-03-15 Fighters attacked a post on Monday."
    reading = prepare(text)
    assert reading.text == "Fighters attacked a post on Monday."
    (dateline,) = reading.datelines
    assert dateline.date is not None and text[dateline.date[0] : dateline.date[1]] == "2023-03-15"


def test_a_capitalised_sentence_start_is_not_a_dateline() -> None:
    assert prepare("U.S. forces said - as expected - that nothing happened.").datelines == ()


@given(st.text(alphabet=st.sampled_from(list("ab .\n\t")), max_size=80))
def test_every_character_of_the_reading_maps_to_the_original(text: str) -> None:
    reading = prepare(text)
    assert len(reading.offsets) == len(reading.text) + 1
    for i, ch in enumerate(reading.text):
        source = text[reading.offsets[i]]
        assert ch == source or (ch in " \n" and source.isspace()) or (ch == "\n" and source != "\n")


# ------------------------------------------------------------------ fatalities per victim group
@dataclasses.dataclass(frozen=True)
class Claim:
    kind: str
    count: int
    victims: str | None = None
    quote: str = "q"


def test_distinct_groups_in_one_passage_add_up() -> None:
    claims = [Claim("killed", 4, "police officers"), Claim("killed", 1, "a civilian")]
    assert fatalities(claims) == 5


def test_conflicting_figures_for_one_group_take_the_lowest() -> None:
    claims = [Claim("killed", 6, "soldiers", "a"), Claim("killed", 20, "soldiers", "b")]
    assert fatalities(claims) == 6


def test_an_unspecified_total_beside_its_groups_is_the_total() -> None:
    claims = [
        Claim("killed", 5, "people"),
        Claim("killed", 4, "police officers"),
        Claim("killed", 1, "civilian"),
    ]
    assert fatalities(claims) == 5


def test_figures_of_different_passages_conflict_but_an_annotator_can_name_the_groups() -> None:
    claims = [Claim("killed", 1, "one officer", "a"), Claim("killed", 1, "the attacker", "b")]
    assert fatalities(claims) == 1
    assert fatalities(claims, passage=lambda _c: None) == 2


def test_the_victim_group_is_the_head_noun_singular() -> None:
    assert victim_group("three police officers") == "officer"
    assert victim_group("Poland's consul in Lagos") == "consul"
    assert victim_group("people, many of them police") is None
    assert victim_group("gunmen") == "gunman"


def test_nobody_killed_is_read_and_no_news_is_not() -> None:
    assert nobody_killed(["Two rockets landed without causing casualties."])
    assert nobody_killed(["No one was hurt in the blast."])
    assert not nobody_killed(["There were no immediate reports of casualties."])
    assert not nobody_killed(["Two rockets landed near the base."])


def test_arrest_and_abduction_counts_are_found_like_casualty_figures() -> None:
    assert [
        (k, n) for k, n, _s, _e in detention_figures("Police arrested 14 activists and detained two more.")
    ] == [
        ("arrested", 14),
        ("arrested", 2),
    ]
    assert [(k, n) for k, n, _s, _e in detention_figures("Gunmen abducted 20 students on Friday.")] == [
        ("abducted", 20)
    ]


# ------------------------------------------------------------------ ACLED actor categories
def test_actor_categories_from_the_words_and_the_event_type() -> None:
    assert actor_category("the army", "Armed clash", target=False) == "State forces"
    assert actor_category("Polish", "Air/drone strike", target=False) == "State forces"
    assert actor_category("the U.S.", "Air/drone strike", target=False) == "State forces"
    assert actor_category("rebels", "Armed clash", target=True) == "Rebel groups"
    assert actor_category("gunmen", "Attack", target=False) == "Political militias"
    assert actor_category("a clan militia", "Armed clash", target=False) == "Identity militias"
    assert actor_category("teachers", "Peaceful protest", target=False) == "Protesters"
    assert actor_category("youths", "Violent demonstration", target=False) == "Rioters"
    assert actor_category("an unnamed group", "Attack", target=True) == "Civilians"
    assert actor_category("UN peacekeepers", "Armed clash", target=True) == "External/Other forces"
    assert actor_category(None, "Attack", target=False) is None


def test_interaction_codes_put_the_lower_code_first_and_a_lone_actor_with_zero() -> None:
    assert interaction_code(7, 1) == 17
    assert interaction_code(6, None) == 60
    assert interaction_code(None, None) is None
    codes = acled_actor_codes("Soldiers", "villagers", "Attack")
    assert codes == ("State forces", "Civilians", 1, 7, 17, True)
