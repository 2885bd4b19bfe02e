"""The geoparser's reading and ranking rules, each on sentences written here (no eval text)."""

from __future__ import annotations

import re

import pytest

from extractor import geo
from extractor.geo import Context, parse_toponym, resolve_places
from extractor.geo.candidates import Candidate, Mention
from extractor.geo.gazetteer import PLACE, Gazetteer
from extractor.geo.proximity import MAX_SUPPORT, supported


def _resolve(text: str, *names: str, title: str | None = None) -> dict[str, geo.Resolution]:
    """The resolution of the first occurrence of each name, by name."""
    spans = sorted(
        {(m.start(), m.end()) for n in names for m in re.finditer(rf"(?<!\w){re.escape(n)}(?!\w)", text)}
    )
    return {r.text: r for r in reversed(resolve_places(text, spans, Context(title=title)))}


def _country(res: geo.Resolution) -> str | None:
    return res.place.country_code if res.place is not None else None


# ------------------------------------------------------------------------------- the article's vote
def test_a_countrys_name_yields_to_a_same_named_town_when_the_other_places_are_in_the_towns_country() -> None:
    text = "Police in Lebanon said the driver, who lives in Boone County, was held overnight."
    assert _country(_resolve(text, "Lebanon", "Boone County")["Lebanon"]) == "USA"


def test_a_name_alone_keeps_its_usual_referent() -> None:
    assert _country(_resolve("Talks resumed in Lebanon on Monday.", "Lebanon")["Lebanon"]) == "LBN"


def test_a_headlines_first_word_is_not_taken_for_a_city() -> None:
    text = "Police in Lebanon said the driver, who lives in Boone County, was held overnight."
    res = _resolve(text, "Lebanon", "Boone County", title="Man held after chase")
    assert _country(res["Lebanon"]) == "USA"


def test_a_place_named_with_its_province_after_a_comma_lies_in_it() -> None:
    text = "The band played in London, Ontario, before touring Manchester, Leeds and Liverpool."
    res = _resolve(text, "London", "Ontario", "Manchester", "Leeds", "Liverpool")
    assert res["London"].place is not None and res["London"].place.admin1 == "Ontario"


def test_a_list_of_countries_is_not_read_as_one_inside_the_next() -> None:
    text = "Envoys from Iraq, Iran, Yemen and Oman met."
    res = _resolve(text, "Iraq", "Iran", "Yemen", "Oman")
    assert res["Iraq"].place is not None and res["Iraq"].place.feature == "country"
    assert res["Iraq"].country_code == "IRQ"


def test_an_unknown_name_takes_the_country_with_the_most_evidence_even_short_of_half() -> None:
    text = (
        "Fighters moved from Kano and Kaduna in Nigeria toward Zorblaxville, near the borders of "
        "Chad, Cameroon and Ghana."
    )
    res = _resolve(text, "Kano", "Kaduna", "Nigeria", "Zorblaxville", "Chad", "Cameroon", "Ghana")
    hamlet = res["Zorblaxville"]
    assert (hamlet.place, hamlet.country_code, hamlet.country_from) == (None, "NGA", "article")


def test_an_unknown_name_takes_no_country_when_two_tie() -> None:
    text = "Envoys of Chad and Niger met in Zorblaxville."
    assert _resolve(text, "Chad", "Niger", "Zorblaxville")["Zorblaxville"].country_code is None


# --------------------------------------------------------------------------------- reading names
def test_a_small_town_listing_a_provinces_name_among_its_alternates_is_not_that_province() -> None:
    (res,) = _resolve("Lawmakers in Minnesota passed the bill.", "Minnesota").values()
    assert res.place is not None and (res.place.feature, res.place.name) == ("admin1", "Minnesota")


def test_capitalised_country_aliases_are_abbreviations() -> None:
    (res,) = _resolve("Talks with the DPRK stalled.", "DPRK").values()
    assert res.country_code == "PRK"


@pytest.mark.parametrize(
    ("words", "continent"),
    [
        ("EU", "Europe"),
        ("European Union", "Europe"),
        ("Northern Africa", "Africa"),
        ("Western Europe", "Europe"),
    ],
)
def test_a_grouping_of_countries_on_one_continent_names_that_continent(words: str, continent: str) -> None:
    (res,) = _resolve(f"Ministers from the {words} met on Monday.", words).values()
    assert res.place is not None and (res.place.feature, res.place.name) == ("continent", continent)
    assert res.precision == 3 and res.country_code is None


def test_a_grouping_spanning_continents_names_nothing() -> None:
    (res,) = _resolve("Growth in Latin America slowed.", "Latin America").values()
    assert res.place is None


@pytest.mark.parametrize(
    ("words", "name", "feature"),
    [
        ("European", "Europe", "continent"),
        ("North American", "North America", "continent"),
        ("Californian", "California", "admin1"),
    ],
)
def test_an_adjective_of_a_place_names_it_as_a_demonym(words: str, name: str, feature: str) -> None:
    (res,) = _resolve(f"The {words} delegation arrived.", words).values()
    assert res.place is not None and (res.place.name, res.place.feature) == (name, feature)
    assert res.demonym and res.precision == 3


@pytest.mark.parametrize(
    ("words", "name", "precision"),
    [
        ("University of California", "California", 3),
        ("Bank of Japan", "Japan", 3),
        ("Belfast Magistrates Court", "Belfast", 2),
        ("US Federal Reserve", "United States", 3),
        ("North Africa", "Africa", 3),
        ("Tanzania Revenue Authority", "Tanzania, United Republic of", 3),  # a country's alternate name
    ],
)
def test_an_unknown_name_takes_the_known_name_it_begins_with_or_names_after_of(
    words: str, name: str, precision: int
) -> None:
    text = f"Officials at {words} spoke."
    (res,) = _resolve(text, words).values()
    assert res.place is not None and (res.place.name, res.precision) == (name, precision)
    assert res.matched is not None and text[res.matched[0] : res.matched[1]] in words
    assert res.matched != (res.start, res.end)


@pytest.mark.parametrize(
    "words",
    [
        "Percy French Hotel",  # a name in the middle is a person's
        "Macmillan Support Centre",  # the last word says what the thing is
        "Western Trust",  # modifier words alone name nothing
        "Royal Street",  # a street named after no known place
        "Lake Zorbla Dam",  # "Lake" is only an alternate name of a county
    ],
)
def test_a_known_word_elsewhere_in_an_unknown_name_does_not_resolve_it(words: str) -> None:
    (res,) = _resolve(f"Staff at {words} spoke.", words).values()
    assert res.place is None and res.precision == 3


def test_a_name_beginning_with_a_compass_word_is_itself_when_known() -> None:
    (res,) = _resolve("Storms hit North Carolina.", "North Carolina").values()
    assert res.place is not None and (res.place.name, res.precision) == ("North Carolina", 3)


def test_a_name_of_modifier_words_names_a_region_only_in_a_country_the_article_is_about() -> None:
    alone = _resolve("Leaders of the West met in Berlin and Rome.", "West", "Berlin", "Rome")["West"]
    assert alone.place is None
    text = "Separatists clashed with troops in the North West, Cameroon officials said."
    region = _resolve(text, "North West", "Cameroon")["North West"]
    assert region.place is not None and (region.place.feature, region.country_code) == ("admin1", "CMR")
    (named,) = _resolve("Troops clashed in the North West region.", "North West region").values()
    assert named.place is not None and named.country_code == "CMR"


# --------------------------------------------------------------------------------- proximity
@pytest.mark.parametrize(
    ("text", "names", "admin1"),
    [
        ("The fair moved from Bath to Brunswick and Augusta.", ("Bath", "Brunswick", "Augusta"), "Maine"),
        ("Buses ran between Dover, Milford and Smyrna.", ("Dover", "Milford", "Smyrna"), "Delaware"),
    ],
)
def test_neighbouring_small_towns_are_read_together_not_as_their_larger_namesakes(
    text: str, names: tuple[str, ...], admin1: str
) -> None:
    places = {n: r.place for n, r in _resolve(text, *names).items()}
    assert {n: p.admin1 if p is not None else None for n, p in places.items()} == dict.fromkeys(names, admin1)


def _gazetteer(*places: tuple[float, float]) -> Gazetteer:
    """Places only, at the given coordinates (entry i is the i-th)."""
    gaz = Gazetteer()
    for i, (lat, lon) in enumerate(places):
        gaz.geonameid.append(i + 1)
        gaz.names.append(f"P{i}")
        gaz.kind.append(PLACE)
        gaz.lat.append(lat)
        gaz.lon.append(lon)
    return gaz


def _mention(key: str, *candidates: tuple[int, float]) -> Mention:
    return Mention(0, 1, key, parse_toponym(key), [Candidate(e, prior, False) for e, prior in candidates])


def test_support_counts_other_toponyms_with_a_candidate_near_and_ignores_far_or_much_smaller_ones() -> None:
    # 0, 5: big cities far away; 1, 2, 3: small towns 20-30 km apart; 4: a hamlet next to town 1
    gaz = _gazetteer(
        (10.0, 10.0), (40.0, -80.0), (40.2, -80.1), (40.1, -80.3), (40.01, -80.0), (-30.0, 150.0)
    )
    mentions = [
        _mention("alpha", (0, 6.0), (1, 4.5)),  # the city leads; town 1 within the gap
        _mention("beta", (2, 4.0)),
        _mention("gamma", (3, 4.0)),
        _mention("delta", (5, 7.0), (4, 3.0)),  # the hamlet is 10,000 times smaller than the city
    ]
    support = supported(gaz, mentions)
    assert support[("alpha", 1)] == MAX_SUPPORT  # beta and gamma near (delta's hamlet would be a third)
    assert ("alpha", 0) not in support  # nothing near the city
    assert support[("beta", 2)] == MAX_SUPPORT
    assert ("delta", 4) not in support  # beyond the prior gap: asked about, never
