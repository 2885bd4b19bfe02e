"""The geoparser: toponyms resolved offline to GeoNames from the text alone (sentences written here)."""

from __future__ import annotations

import itertools
import re

import pytest

from extractor import geo
from extractor.geo import Context, fold, locate, lookup, parse_toponym, resolve_places


def _spans(text: str, *names: str) -> list[tuple[int, int]]:
    """The spans of each occurrence of each name, in text order."""
    found = [(m.start(), m.end()) for n in names for m in re.finditer(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    return sorted(found)


def _resolve(text: str, *names: str, title: str | None = None) -> list[geo.Resolution]:
    return resolve_places(text, _spans(text, *names), Context(title=title))


def test_public_api_is_sorted_and_resolves() -> None:
    assert geo.__all__ == sorted(geo.__all__, key=lambda n: (not n[0].isupper(), n))
    assert all(hasattr(geo, name) for name in geo.__all__)


# ------------------------------------------------------------------------------------------ names
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Ḩalab", "halab"),
        ("Al-Hasakah", "al hasakah"),
        ("U.S.", "us"),
        ("  Dar'a ", "dara"),
        ("MOSUL", "mosul"),
    ],
)
def test_fold_drops_diacritics_case_and_punctuation(text: str, key: str) -> None:
    assert fold(text) == key


def test_a_description_is_read_for_its_name_its_kind_and_whether_it_is_near() -> None:
    province = parse_toponym("Idlib province")
    assert (province.keys, province.hint, province.near) == (("idlib province", "idlib"), "admin", False)
    outskirts = parse_toponym("the outskirts of Aleppo")
    assert outskirts.near and "aleppo" in outskirts.keys
    article = parse_toponym("al-Qamishli")
    assert "qamishli" in article.keys


# ------------------------------------------------------------------------------------ resolution
def test_a_town_alone_names_its_country_admin1_and_coordinates() -> None:
    (kano,) = _resolve("Gunmen attacked a market in Kano on Tuesday.", "Kano")
    assert kano.place is not None
    assert (kano.place.country_code, kano.place.admin1, kano.precision) == ("NGA", "Kano", 1)
    assert kano.country_code == "NGA" and kano.country_from == "place"
    assert kano.place.latitude == pytest.approx(12.0, abs=0.5)


def test_a_demonym_names_its_country_at_precision_3() -> None:
    text = "Kenyan police said the attackers crossed at night."
    (kenyan,) = _resolve(text, "Kenyan")
    assert kenyan.demonym and kenyan.precision == 3
    assert kenyan.place is not None and kenyan.place.feature == "country" and kenyan.country_code == "KEN"


def test_the_articles_other_places_decide_between_namesakes() -> None:
    alone = _resolve("Officers in Alexandria arrested two men.", "Alexandria")[0]
    assert alone.place is not None and alone.place.country_code == "EGY"
    text = (
        "Officers in Alexandria arrested two men. Alexandria police said the men had driven in "
        "from Pineville, and the Rapides Parish sheriff joined the search across Louisiana."
    )
    first = _resolve(text, "Alexandria", "Pineville", "Rapides Parish", "Louisiana")[0]
    assert first.place is not None and (first.place.country_code, first.place.admin1) == ("USA", "Louisiana")
    assert first.runner_up is not None and first.runner_up.admin1 != "Louisiana"
    assert (
        first.runner_up_score is not None and first.score is not None and first.runner_up_score < first.score
    )


def test_a_repeated_name_is_one_piece_of_evidence_not_many() -> None:
    text = (
        "Alexandria police said. Alexandria officers said. Alexandria residents said. "
        "Alexandria firefighters said. The Rapides Parish sheriff and the Pineville mayor agreed."
    )
    first = _resolve(text, "Alexandria", "Rapides Parish", "Pineville")[0]
    assert first.place is not None and first.place.country_code == "USA"


def test_the_dateline_and_the_headline_are_context() -> None:
    text = "JACKSON, Mississippi — Flooding closed roads near Clinton on Monday."
    clinton = _resolve(text, "Clinton")[0]
    assert clinton.place is not None and clinton.place.admin1 == "Mississippi"
    headline = _resolve("Flooding closed roads near Clinton.", "Clinton", title="Floods in Mississippi")[0]
    assert headline.place is not None and headline.place.admin1 == "Mississippi"


def test_a_capital_is_the_usual_referent_of_its_name() -> None:
    (tripoli,) = _resolve("Clashes broke out in Tripoli overnight.", "Tripoli")
    assert tripoli.place is not None and tripoli.place.country_code == "LBY"


def test_a_place_named_like_its_province_is_the_place_unless_the_province_is_said() -> None:
    city, province = _resolve(
        "Shelling hit Aleppo. Later, Idlib province was struck.", "Aleppo", "Idlib province"
    )
    assert city.place is not None and (city.place.feature, city.precision) == ("place", 1)
    assert province.place is not None and (province.place.feature, province.precision) == ("admin1", 3)


def test_state_abbreviations_are_read_against_the_articles_country() -> None:
    text = "The company moved from Tuscaloosa, Ala., to Greenville, S.C., in the United States."
    res = _resolve(text, "Tuscaloosa", "Ala.", "Greenville", "S.C.", "United States")
    by_text = {r.text: r for r in res}
    assert by_text["Ala."].place is not None and by_text["Ala."].place.name == "Alabama"
    assert by_text["S.C."].place is not None and by_text["S.C."].place.name == "South Carolina"
    assert by_text["Greenville"].place is not None and by_text["Greenville"].place.admin1 == "South Carolina"


def test_an_abbreviation_without_a_country_resolves_to_nothing() -> None:
    (ala,) = _resolve("He said Ala. was cold.", "Ala.")
    assert ala.place is None and ala.precision == 3


def test_a_country_abbreviation_is_matched_case_sensitively() -> None:
    (us,) = _resolve("Officials in the U.S. said so.", "U.S.")
    assert us.place is not None and us.place.feature == "country" and us.country_code == "USA"


# --------------------------------------------------------------------------------------- bad input
def test_places_in_non_latin_scripts_resolve_or_stay_unresolved_without_error() -> None:
    text = "Протесты прошли в Москва. 抗议发生在 某个不存在的地方."
    moscow, unknown = _resolve(text, "Москва", "某个不存在的地方")
    assert moscow.place is not None and moscow.place.country_code == "RUS"
    assert unknown.place is None and unknown.precision == 3


def test_made_up_names_stay_unresolved_and_nothing_is_invented() -> None:
    (made_up,) = _resolve("Fighting was reported in Zorblaxville Heights.", "Zorblaxville Heights")
    assert (made_up.place, made_up.precision, made_up.country_code) == (None, 3, None)


def test_an_unknown_name_takes_the_articles_leading_country_and_no_coordinates() -> None:
    text = "Troops left Kaduna and Zaria for Zorblaxville, a hamlet north of Kano in Nigeria."
    res = _resolve(text, "Kaduna", "Zaria", "Zorblaxville", "Kano", "Nigeria")
    hamlet = next(r for r in res if r.text == "Zorblaxville")
    assert (hamlet.place, hamlet.precision, hamlet.country_code, hamlet.country_from) == (
        None,
        3,
        "NGA",
        "article",
    )


@pytest.mark.parametrize("words", ["the border", "the capital", "the province", "a nearby village"])
def test_descriptions_without_a_name_resolve_to_nothing(words: str) -> None:
    text = f"Gunmen crossed {words} at dawn, officials in Kano said."
    (res,) = resolve_places(text, _spans(text, words))
    assert (res.place, res.precision, res.country_code) == (None, 3, None)


def test_an_article_naming_thirty_countries_resolves_each_to_itself() -> None:
    names = [
        "Nigeria", "Kenya", "Ethiopia", "Somalia", "Sudan", "Chad", "Niger", "Mali", "Ghana", "Senegal",
        "Egypt", "Libya", "Tunisia", "Algeria", "Morocco", "Syria", "Iraq", "Iran", "Yemen", "Lebanon",
        "Jordan", "Israel", "Turkey", "Afghanistan", "Pakistan", "India", "Bangladesh", "Myanmar",
        "Thailand", "Colombia",
    ]  # fmt: skip
    text = "Delegates came from " + ", ".join(names) + "."
    res = _resolve(text, *names)
    assert len(res) == 30
    assert all(r.place is not None and r.place.feature == "country" for r in res)
    assert len({r.country_code for r in res}) == 30


def test_a_long_article_with_many_mentions_resolves_every_one() -> None:
    sentence = "Police in Kano and Kaduna reported clashes near Zaria and in Zorblaxville. "
    text = sentence * 200
    res = _resolve(text, "Kano", "Kaduna", "Zaria", "Zorblaxville")
    assert len(res) == 800
    assert all(r.country_code == "NGA" for r in res)


# ------------------------------------------------------------------------------ descriptions
@pytest.mark.parametrize(
    ("description", "name", "precision"),
    [
        ("a market near Kano", "Kano", 2),
        ("the outskirts of Aleppo", "Aleppo", 2),
        ("an airfield in Homs", "Homs", 1),
        ("Mandera town in Mandera county", "Mandera", 1),
        ("Idlib province", "Idlib", 3),
    ],
)
def test_a_description_takes_its_most_specific_name(description: str, name: str, precision: int) -> None:
    (located,) = locate(description, [(0, len(description))])
    res = located.resolution
    assert res.place is not None and (res.place.name, res.precision) == (name, precision)
    assert (located.start, located.end, res.text) == (0, len(description), description)


def test_lookup_finds_alternate_names_most_populous_first() -> None:
    found = lookup("Aleppo")
    assert found and found[0].country_code == "SYR"
    assert all(p.population >= q.population for p, q in itertools.pairwise(found))


# ------------------------------------------------------------------------------ recognition
def test_the_recogniser_finds_places_adjectives_and_names_inside_organisations() -> None:
    from extractor.strategies.candidates.toponyms import toponym_spans

    text = (
        "NAIROBI, Kenya — Kenyan police met Kenyans outside the University of Mombasa, "
        "and then drove to Nakuru."
    )
    found = {text[s:e] for s, e in toponym_spans(text)}
    assert {"NAIROBI", "Kenya", "Kenyan", "Mombasa", "Nakuru"} <= found
    assert "Kenyans" not in found  # the people, not the place
    assert "University of Mombasa" not in found
