"""Right records on articles nobody tuned for: one test per class of error, code only.

Every article here is written for these tests; none comes from an eval or development article.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from extractor.pipeline import Extractor
from schemas.events_v3 import ArticleResult, Event
from tests.conftest import fake_settings

PUBLISHED = dt.date(2023, 3, 15)  # a Wednesday


def extract(text: str, published: dt.date | None = PUBLISHED) -> ArticleResult:
    settings = fake_settings(Path("/nonexistent"), prompt="events.v5", adjudicate=False)
    with Extractor(settings) as session:
        result: Any = session.extract(text, published=published)
    assert isinstance(result, ArticleResult)
    return result


def only(result: ArticleResult) -> Event:
    assert len(result.events) == 1, [e.event_type for e in result.events]
    return result.events[0]


def reasons(result: ArticleResult) -> list[str]:
    return [x.reason for x in result.diagnostics.excluded]


def quote(span: Any) -> str | None:
    return None if span is None else span.quote


# ------------------------------------------------------------------ the same event several times
def test_headline_lead_and_follow_ups_of_one_event_are_one_record_with_every_span() -> None:
    text = (
        "Car bomb kills 12 soldiers in northern town\n"
        "A car bomb killed 12 soldiers at a checkpoint in Mosul on Monday, the army said. "
        "The blast also destroyed a bus parked nearby.\n"
        "Residents said the explosion was heard across the city."
    )
    event = only(extract(text))
    assert event.event_type == "Remote explosive/landmine/IED"
    assert len(event.evidence) == 3
    assert event.date.value == "2023-03-13"
    assert extract(text).diagnostics.mentions_merged == 2


def test_two_events_far_apart_in_one_sentence_are_two_records() -> None:
    text = (
        "The army shelled rebel positions near the border on Tuesday in retaliation for a drone "
        "attack on Sunday that killed two soldiers."
    )
    result = extract(text)
    assert sorted(e.event_type for e in result.events) == [
        "Air/drone strike",
        "Shelling/artillery/missile attack",
    ]
    drone = next(e for e in result.events if e.event_type == "Air/drone strike")
    assert drone.date.value == "2023-03-12" and drone.fatalities == 2


# ------------------------------------------------------------------ summaries and aggregates
@pytest.mark.parametrize(
    "text",
    [
        "The government offensive has killed more than 900 civilians since January, a monitoring group said.",
        "The group killed more than 500 people over three decades of insurgency.",
        "Rebels have attacked army posts more than 40 times this year.",
        "The protests against fuel prices have been directed at the whole government.",
    ],
)
def test_aggregates_over_periods_are_not_events(text: str) -> None:
    result = extract(text)
    assert result.events == []
    assert any(r.startswith(("many events", "date unresolvable")) for r in reasons(result)), reasons(result)


def test_deaths_in_a_clause_on_a_backdrop_are_the_backdrops_not_an_event() -> None:
    result = extract(
        "The governor, who quit in May amid mass protests that left 40 people dead, opened a school."
    )
    assert result.events == []
    assert "background (a time reference)" in reasons(result)


def test_deaths_in_a_clause_on_a_dated_claimed_bombing_stay_its_toll() -> None:
    event = only(
        extract("Rebels claimed responsibility for March 3 bombings that killed 12 shoppers in the capital.")
    )
    assert event.fatalities == 12


def test_a_series_with_its_own_day_is_one_event() -> None:
    text = "A series of attacks on March 3 killed 40 people across the capital, officials said."
    event = only(extract(text))
    assert event.date.value == "2023-03-03" and event.fatalities == 40


# ------------------------------------------------------------------ background and biography
def test_a_birth_year_is_neither_a_date_nor_a_casualty_count() -> None:
    text = (
        "Gunmen shot dead a local councillor in Kano on Tuesday. "
        "The councillor, born in 1971, had served two terms."
    )
    event = only(extract(text))
    assert event.date.value == "2023-03-14"
    assert event.fatalities == 1


def test_background_dated_only_by_a_year_or_a_time_reference_is_excluded() -> None:
    result = extract("The square was the main centre of demonstrations six years ago.")
    assert result.events == [] and reasons(result) == ["date unresolvable (a year only)"]
    during = extract(
        "During the fighting last year, the hospital treated hundreds of patients, its director said."
    )
    assert during.events == []


def test_deployed_many_times_is_a_career_not_an_event() -> None:
    result = extract("The officer had been deployed many times on missions abroad, his family said.")
    assert result.events == [] and reasons(result) == ["many events counted together"]


# ------------------------------------------------------------------ statements, denials, allegations
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Army officials deny that any civilians were killed in the operation.", "denial"),
        ("Activists said there were credible reports of massacres in the villages.", "allegation"),
        ("The ministry accused the rebels of shelling the town.", "allegation"),
        ("The president allowed the strikes to proceed, aides said.", "threat, plan or demand"),
    ],
)
def test_denials_allegations_and_permissions_are_not_events(text: str, reason: str) -> None:
    result = extract(text)
    assert result.events == []
    assert any(r.startswith(reason) for r in reasons(result)), reasons(result)


def test_backing_a_side_is_not_an_event() -> None:
    assert extract("Neighbouring governments back some of the armed factions in the war.").events == []


# ------------------------------------------------------------------ who did what to whom
def test_the_source_is_not_an_actor_and_the_passengers_are_acted_on() -> None:
    event = only(
        extract("Gunmen attacked a bus near Jos on Sunday, killing nine passengers, a police spokesman said.")
    )
    assert quote(event.actor1) == "Gunmen"
    assert quote(event.actor2) == "bus"
    assert (event.actor1_category, event.actor2_category) == ("Political militias", "Civilians")
    (claim,) = event.casualties
    assert quote(claim.claimed_by) == "police spokesman"


def test_civilians_fired_on_are_actor2_and_civilian_targeting() -> None:
    event = only(extract("Soldiers opened fire on villagers near the market on Monday, a rights group said."))
    assert quote(event.actor1) == "Soldiers" and quote(event.actor2) == "villagers"
    assert (event.inter1, event.inter2, event.interaction) == (1, 7, 17)
    assert event.civilian_targeting is True
    assert event.event_type == "Attack"


def test_a_place_is_never_an_actor() -> None:
    event = only(extract("Rebels shelled Homs on Monday, killing three people, residents said."))
    assert quote(event.actor1) == "Rebels"
    assert event.actor2 is None or quote(event.actor2) != "Homs"


def test_a_nationality_alone_acts_only_as_the_agent_of_an_event_noun() -> None:
    event = only(extract("Polish airstrikes hit villages near the border on Tuesday."))
    assert quote(event.actor1) == "Polish" and event.actor1_category == "State forces"
    described = only(extract("A Polish journalist was shot dead in the capital on Tuesday."))
    assert quote(described.actor2) == "Polish journalist"
    assert described.actor1 is None


# ------------------------------------------------------------------ the event's own date
def test_the_date_on_the_event_wins_over_the_date_of_the_report() -> None:
    event = only(
        extract(
            "Police said on Sunday that militants stormed a village late on Saturday, killing four farmers."
        )
    )
    assert event.date.value == "2023-03-11" and quote(event.date.text) in {"Saturday", "late on Saturday"}
    assert event.date_basis == "event"


def test_the_date_of_the_report_is_used_only_when_nothing_else_dates_the_event_and_is_flagged() -> None:
    result = extract("The army said on Monday that its soldiers had killed six rebels in the hills.")
    event = only(result)
    assert event.date.value == "2023-03-13" and event.date_basis == "report"
    assert any("the date of the report was used" in w for w in result.diagnostics.warnings)


def test_a_date_in_a_clause_on_the_event_noun_is_the_events_own() -> None:
    event = only(extract("The raid, carried out by special forces on Monday, killed two militants."))
    assert event.date.value == "2023-03-13" and event.date_basis == "event"


@pytest.mark.parametrize(
    "text",
    [
        "The army bombed rebel depots in the hills, in reply to a rocket attack that killed a guard "
        "last week, officials said.",
        "Jets bombed the depots of a militia the army blames for a rocket attack that killed a guard "
        "last week, officials said.",
    ],
)
def test_a_date_in_a_clause_on_another_event_word_does_not_date_this_event(text: str) -> None:
    bombing = next(e for e in extract(text).events if e.event_type != "Shelling/artillery/missile attack")
    assert bombing.date is None or quote(bombing.date.text) != "last week"


def test_a_date_of_what_will_happen_does_not_date_what_happened() -> None:
    text = (
        "The council will vote on Friday while striking nurses keep picketing the clinic.\n"
        "Nurses marched to the ministry on Tuesday."
    )
    event = only(extract(text))
    assert event.date.value == "2023-03-14"


def test_without_a_publication_date_relative_dates_are_named_in_a_warning() -> None:
    result = extract("Gunmen attacked a police post on Monday, killing two officers.", published=None)
    event = only(result)
    assert event.date.value is None
    assert any("no publication date" in w and "'Monday'" in w for w in result.diagnostics.warnings)


def test_an_event_told_after_another_takes_its_date() -> None:
    text = (
        "A gunman shot dead a judge outside the court in Lagos on Monday. "
        "The gunman was later killed in a gunfight with soldiers."
    )
    result = extract(text)
    assert sorted(e.event_type for e in result.events) == ["Armed clash", "Attack"]
    shootout = next(e for e in result.events if e.event_type == "Armed clash")
    assert shootout.date.value == "2023-03-13" and shootout.date_basis == "anchor"


# ------------------------------------------------------------------ headline and dateline
def test_a_headline_without_a_full_stop_does_not_hide_the_lead() -> None:
    text = (
        "Militants ambush army convoy in east\n"
        "Militants ambushed an army convoy near Goma on Tuesday, killing six soldiers."
    )
    event = only(extract(text))
    assert event.date.value == "2023-03-14" and event.fatalities == 6
    assert all("ambush army convoy in east" not in s.quote for s in event.evidence)


def test_a_dateline_is_place_and_date_never_an_actor() -> None:
    text = (
        "KANDAHAR, Afghanistan (Reuters) - Fighters attacked a police post on Monday, killing three officers."
    )
    event = only(extract(text))
    assert quote(event.actor1) == "Fighters"
    assert [loc.country_name for loc in event.locations] == ["Afghanistan"]


def test_hard_wrapped_lines_are_read_as_one_sentence() -> None:
    text = (
        "Rebels attacked a police station in the\n"
        "        town of Bunia on Monday, killing four\n"
        "        officers, the army said.\n"
    )
    event = only(extract(text))
    assert event.fatalities == 4 and event.date.value == "2023-03-13"
    assert event.evidence[0].quote.startswith("Rebels attacked") and "\n" in event.evidence[0].quote


# ------------------------------------------------------------------ casualties
def test_distinct_victim_groups_add_up_and_conflicting_figures_take_the_lowest() -> None:
    groups = only(
        extract("The attack on Tuesday killed four police officers and one civilian, officials said.")
    )
    assert groups.fatalities == 5
    assert sorted(quote(c.victims) or "" for c in groups.casualties) == ["civilian", "police officers"]
    text = "Six soldiers were killed in the ambush on Monday, the army said. Rebels said 20 soldiers died."
    conflicting = only(extract(text))
    assert sorted(c.count for c in conflicting.casualties) == [6, 20]
    assert conflicting.fatalities == 6


def test_nobody_killed_is_not_the_same_as_nothing_said() -> None:
    none = only(
        extract("Two rockets struck near the airport on Monday without causing casualties, officials said.")
    )
    assert none.fatalities is None and none.deaths_reported == "none"
    silent = only(extract("Two rockets struck near the airport on Monday, officials said."))
    assert silent.fatalities is None and silent.deaths_reported == "not_stated"


def test_arrests_are_counted_apart_from_casualties() -> None:
    event = only(
        extract("Police arrested 14 activists in the capital on Monday after a raid on their office.")
    )
    assert event.event_type == "Arrests"
    assert [(d.kind, d.count) for d in event.detentions] == [("arrested", 14)]
    assert event.casualties == [] and event.fatalities is None


# ------------------------------------------------------------------ lexical types without sense
@pytest.mark.parametrize(
    "text",
    [
        "A riot squad officer was questioned by prosecutors on Monday.",
        "The governor signed a budget bill on Monday.",
        "Supporters set off fireworks after the cup final on Saturday.",
        "Drone flights over the border resumed on Monday, the ministry said.",
        "The minister has always been wary of the establishment of foreign bases in the region.",
    ],
)
def test_words_of_violence_used_in_another_sense_are_not_events(text: str) -> None:
    assert extract(text).events == []


def test_a_word_inside_a_name_or_a_date_is_not_a_trigger() -> None:
    result = extract("The Ceasefire Monitoring Committee met on March 5, the ministry said.")
    assert result.events == []


def test_a_verb_of_violence_answering_a_named_attack_is_its_own_event() -> None:
    text = (
        "The army attacked rebel camps on Tuesday in revenge for a rocket attack on Sunday that killed "
        "two soldiers."
    )
    result = extract(text)
    assert sorted(e.event_type for e in result.events) == ["Armed clash", "Shelling/artillery/missile attack"]
    rockets = next(e for e in result.events if e.event_type.startswith("Shelling"))
    assert rockets.date.value == "2023-03-12" and rockets.fatalities == 2
    camps = next(e for e in result.events if e.event_type == "Armed clash")
    assert camps.date.value == "2023-03-14" and camps.fatalities is None


def test_a_chanted_slogan_makes_no_death_toll_of_the_crowd() -> None:
    event = only(extract('More than 200 people attended the rally on Saturday, chanting "no more deaths".'))
    assert event.event_type == "Peaceful protest"
    assert event.casualties == []


def test_a_figure_in_the_phrase_of_a_blamed_attack_is_not_the_strikes_toll() -> None:
    text = (
        "Government jets bombed rebel bases on Sunday, officials said, blaming the rebels for a mortar "
        "attack that killed three soldiers."
    )
    result = extract(text)
    strikes = next(e for e in result.events if e.event_type == "Air/drone strike")
    assert strikes.casualties == []


def test_a_weapon_named_without_its_use_is_not_an_event() -> None:
    result = extract("The new drones were shown to reporters at the air show on Monday.")
    assert result.events == []
    assert reasons(result) == ["weapon or vehicle named, no use of it reported"]


def test_a_period_opened_by_since_dates_no_event() -> None:
    result = extract("Troops attacked a camp that rebels had held since January, the army said.")
    assert all(e.date.value != "2023-01" for e in result.events)


def test_the_party_holding_an_attacked_place_is_actor2() -> None:
    event = only(extract("Jets bombed the offices of the Northern Front near the border on Sunday."))
    assert quote(event.actor2) == "the Northern Front"


@pytest.mark.parametrize(
    ("text", "trigger", "actor1", "actor2"),
    [
        (
            "Villagers blamed the rebels for a mortar barrage that wounded a shepherd near the dam on "
            "Sunday.",
            "Shelling/artillery/missile attack",
            None,
            "shepherd",
        ),
        (
            "Jets carried out airstrikes on Monday targeting a separatist militia in the hills, officials "
            "said.",
            "Air/drone strike",
            None,
            "separatist militia",
        ),
        ("The ambush, carried out by bandits on Monday, left two drivers hurt.", "Attack", "bandits", None),
        (
            "The bombing that the insurgents carried out on Monday wounded two guards.",
            None,
            "the insurgents",
            None,
        ),
    ],
)
def test_a_clause_on_the_event_noun_names_its_parties(
    text: str, trigger: str | None, actor1: str | None, actor2: str | None
) -> None:
    events = extract(text).events
    event = next(e for e in events if trigger is None or e.event_type == trigger)
    if actor1 is not None:
        assert quote(event.actor1) == actor1
    if actor2 is not None:
        assert quote(event.actor2) == actor2


def test_who_claimed_responsibility_for_a_dated_bombing_carried_it_out() -> None:
    event = only(
        extract("Separatist rebels claimed responsibility for the March 3 bombing of a bus in the capital.")
    )
    assert event.date.value == "2023-03-03"
    assert quote(event.actor1) == "Separatist rebels" and event.actor1_category == "Rebel groups"


def test_killed_in_a_gunfight_with_soldiers_means_the_soldiers_acted() -> None:
    event = only(extract("A gunman was killed in a gunfight with soldiers in Dakar on Monday."))
    assert event.event_type == "Armed clash"
    assert (quote(event.actor1), quote(event.actor2)) == ("soldiers", "gunman")


def test_surrenders_and_seized_weapons_are_typed_by_what_happened() -> None:
    surrender = only(extract("Forty rebel fighters surrendered to the army in the hills on Monday."))
    assert surrender.event_type == "Agreement"
    seized = only(extract("Soldiers seized a total of 120 rifles and pistols in a raid on Monday."))
    assert seized.event_type == "Disrupted weapons use"


def test_a_volcano_or_a_furnace_is_not_political_violence() -> None:
    assert (
        extract("At least five people were killed on Monday when a volcano erupted off the coast.").events
        == []
    )
    assert extract("Two workers were hurt on Tuesday when a furnace exploded at the plant.").events == []


def test_other_parties_are_offered_to_an_adjudicator_but_never_chosen_by_code() -> None:
    from extractor.strategies.candidates import draft_of, find_mentions

    text = "Gunmen attacked a convoy carrying aid workers near the camp on Monday, officials said."
    (mention,) = find_mentions(text, PUBLISHED).mentions
    assert mention.roles == (1, 1) and mention.actors2[0] == "convoy"
    assert "aid workers" in mention.actors2[1:] and "officials" not in mention.actors2
    draft = draft_of(mention, None)
    assert (draft.actor1, draft.actor2) == ("Gunmen", "convoy")
