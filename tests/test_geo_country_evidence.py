"""The geoparser's country evidence: country names read from official names, the American
local-government register, and the headline's whole names (sentences written here)."""

from __future__ import annotations

import re

from extractor.geo import Context, Resolution, gazetteer, resolve_places
from extractor.geo.votes import evidence


def _resolve(text: str, *names: str, title: str | None = None) -> list[Resolution]:
    spans = sorted(
        (m.start(), m.end()) for n in names for m in re.finditer(rf"(?<!\w){re.escape(n)}(?!\w)", text)
    )
    return resolve_places(text, spans, Context(title=title))


def test_the_tail_of_an_official_name_names_the_country() -> None:
    # "United States of America": "America" alone is the country, not the town in Argentina
    (alone,) = _resolve("Her family moved to America when she was four.", "America")
    assert alone.place is not None and alone.place.feature == "country"
    assert alone.country_code == "USA"
    (across,) = _resolve("Sales of the new truck rose across America last year.", "America")
    assert across.country_code == "USA"


def test_american_local_government_words_give_the_united_states_a_vote() -> None:
    (paris,) = _resolve("The county commissioners in Paris voted on Tuesday to repave two roads.", "Paris")
    assert paris.country_code == "USA"
    (athens,) = _resolve("The sheriff's office said a deputy stopped a car near Athens on Friday.", "Athens")
    assert athens.country_code == "USA"
    (school,) = _resolve("Two elementary schools in Athens will close early on Friday for a storm.", "Athens")
    assert school.country_code == "USA"
    (fire,) = _resolve("The fire department sent three trucks to a barn outside Dublin on Monday.", "Dublin")
    assert fire.country_code == "USA"
    # without the register, the better-known namesake
    (plain,) = _resolve("The commissioners in Paris voted on Tuesday to repave two roads.", "Paris")
    assert plain.country_code == "FRA"


def test_a_named_country_outweighs_the_register() -> None:
    athens, greece = _resolve(
        "The city council in Athens voted on Tuesday, and Greece's ministers agreed.", "Athens", "Greece"
    )
    assert (athens.country_code, greece.country_code) == ("GRC", "GRC")


def _headline_countries(title: str) -> list[str | None]:
    gaz = gazetteer()
    found = evidence(gaz, "", Context(title=title))
    return [gaz.alpha3.get(gaz.country[m.candidates[0].entry]) for m, _ in found]


def test_the_headline_votes_only_with_whole_names() -> None:
    assert _headline_countries("Floods Cut Roads in Kenya") == ["KEN"]
    assert _headline_countries("Kenyan runners win again") == ["KEN"]
    # a known name inside a longer capitalised run is not read from a headline
    assert _headline_countries("Kenya Airways Adds Two Flights") == []
    assert _headline_countries("Peru Street Bakery Opens Second Shop") == []


def test_an_abbreviation_after_a_place_is_read_in_that_places_country() -> None:
    # the story is about Spain, but "Fla." after "NAPLES, " is the state one Naples lies in
    naples, fla, spain, madrid = _resolve(
        "NAPLES, Fla. — Two retired teachers are waiting in Spain for a train out of Madrid "
        "after a rail strike.",
        "NAPLES", "Fla.", "Spain", "Madrid",
    )  # fmt: skip
    assert fla.place is not None and fla.place.name == "Florida" and fla.country_code == "USA"
    assert naples.country_code == "USA"
    assert (spain.country_code, madrid.country_code) == ("ESP", "ESP")


def test_british_local_words_give_the_united_kingdom_a_vote() -> None:
    (richmond,) = _resolve("Residents of Richmond face a council tax rise of 4% from April.", "Richmond")
    assert richmond.country_code == "GBR"
    (plain,) = _resolve("Residents of Richmond face a rise of 4% from April.", "Richmond")
    assert plain.country_code != "GBR"


def test_a_region_named_by_its_units_directions_is_in_their_country() -> None:
    # no package has "Kordofan" or "Visayas", but North/South/West Kordofan and Western/Central/
    # Eastern Visayas are first-level units, each set in one country
    kordofan, visayas = _resolve(
        "Aid convoys reached Kordofan in March, weeks after a typhoon crossed the Visayas.",
        "Kordofan", "the Visayas",
    )  # fmt: skip
    assert kordofan.place is not None and kordofan.place.feature == "country"
    assert (kordofan.country_code, kordofan.precision) == ("SDN", 3)
    assert visayas.country_code == "PHL"
