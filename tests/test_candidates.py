"""The candidates strategy (events.v5): code proposes every field; each rule has a failing test."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from extractor.errors import ConfigurationError
from extractor.inputs import make_article
from extractor.prompts import load_prompt
from extractor.strategies import strategy_for
from extractor.strategies.candidates import CandidatesOptions, find_mentions, propose
from extractor.strategies.candidates import nlp as nlp_module
from extractor.strategies.candidates.lexicon import find_triggers
from extractor.strategies.candidates.places import country_of_place
from extractor.strategies.candidates.ranking import rank_types
from tests.fakes import ok

PUBLISHED = dt.date(2023, 3, 15)  # a Wednesday


def _types(sentence: str) -> tuple[str, ...]:
    return rank_types([t for _, _, t in find_triggers(sentence)], sentence)


# ------------------------------------------------------------------ ACLED precedence
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A drone strike killed four fighters and wounded two.", "Air/drone strike"),
        ("A suicide bomber blew himself up, causing an explosion that killed nine.", "Suicide bomb"),
        ("Militants fired rockets at the base, killing a soldier.", "Shelling/artillery/missile attack"),
        (
            "A roadside bomb exploded under a patrol, wounding three soldiers.",
            "Remote explosive/landmine/IED",
        ),
        ("Gunmen threw a grenade into a bar, injuring five.", "Grenade"),
        ("Gunmen attacked villagers in their homes, killing six.", "Attack"),
        ("Gunmen attacked an army checkpoint overnight.", "Armed clash"),
        ("Troops clashed with rebels near the border.", "Armed clash"),
        ("Police fired tear gas to disperse protesters in the capital.", "Protest with intervention"),
        ("Security forces shot dead two protesters during the march.", "Excessive force against protesters"),
        ("Hundreds of people protested peacefully outside parliament.", "Peaceful protest"),
        ("Police arrested twelve opposition activists.", "Arrests"),
        ("Gunmen abducted 20 students from a school.", "Abduction/forced disappearance"),
    ],
)
def test_named_mode_decides_and_generic_words_only_when_none_is_named(sentence: str, expected: str) -> None:
    assert _types(sentence)[0] == expected


def test_shortlist_is_short_and_lists_the_alternatives() -> None:
    ranked = _types("Rebels shelled the town and clashed with soldiers, killing three.")
    assert ranked[0] == "Shelling/artillery/missile attack"
    assert "Armed clash" in ranked and len(ranked) <= 4


def test_labour_and_hunger_strikes_are_not_military_strikes() -> None:
    assert find_triggers("Workers went on strike and a hunger strike began.") == []


# ------------------------------------------------------------------ factuality
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Militants threatened to attack the base.", "threat, plan or demand"),
        ("The army did not shell the town.", "negated"),
        ("Rebels will attack the capital.", "future"),
        ("The rebels may attack the convoy.", "modal"),
        ("The militia warned of attacks on the convoy.", "threat, plan or demand"),
        ("Officials have not been able to confirm how many fighters were killed.", "negated report"),
        ("In this region gunmen kill farmers who resist.", "generic or habitual (present tense)"),
        ("Insurgents have carried out 11 attacks over the past two months.", "many events counted together"),
    ],
)
def test_non_factual_triggers_are_rejected_with_a_reason(text: str, reason: str) -> None:
    found = find_mentions(text, PUBLISHED)
    assert found.mentions == ()
    assert [r.reason for r in found.rejected] == [reason]


def test_a_reported_event_is_a_mention_with_its_fields() -> None:
    text = (
        "According to local officials, at least 12 civilians were killed in an airstrike on a market "
        "in Idlib on Sunday."
    )
    (mention,) = find_mentions(text, PUBLISHED).mentions
    assert mention.types[0] == "Air/drone strike"
    assert mention.dates == ("Sunday",)
    assert mention.locations[0] == ("Syrian Arab Republic", "Idlib")
    (claim,) = mention.claims
    assert (claim.kind, claim.count, claim.qualifier) == ("killed", 12, "at_least")
    assert claim.claimed_by == "local officials" and claim.victims == "civilians"


def test_actors_come_from_subject_and_object_and_the_source_is_not_an_actor() -> None:
    text = "Soldiers clashed with rebel fighters near the border on Monday, police said."
    (mention,) = find_mentions(text, PUBLISHED).mentions
    assert mention.actors1[0] == "Soldiers"
    assert mention.actors2[0] == "rebel fighters"
    assert "police" not in mention.actors1 + mention.actors2
    assert mention.claims == ()


def test_a_city_implies_its_country_only_when_unambiguous() -> None:
    assert country_of_place("Kabul") == "Afghanistan"
    assert country_of_place("Tripoli") is None  # Libya and Lebanon
    assert country_of_place("Nowhereville") is None


# ------------------------------------------------------------------ merge
def test_a_follow_up_toll_sentence_merges_into_its_event_keeping_both_spans() -> None:
    text = (
        "Rebels attacked an army post near Kabul on Monday. Three soldiers were killed, the army said.\n"
        "Separately, a drone strike hit a convoy on Tuesday."
    )
    candidates = propose(make_article(text, PUBLISHED))
    first, second = candidates.mentions
    assert len(first.evidence) == 2 and first.claims[0].count == 3
    assert first.claims[0].claimed_by == "the army"
    assert second.types[0] == "Air/drone strike"


def test_two_named_modes_in_one_sentence_are_two_mentions() -> None:
    text = "The airstrikes on Sunday were a response to a rocket attack on Friday that killed a contractor."
    mentions = find_mentions(text, PUBLISHED).mentions
    assert sorted(m.types[0] for m in mentions) == ["Air/drone strike", "Shelling/artillery/missile attack"]
    rocket = next(m for m in mentions if m.types[0].startswith("Shelling"))
    assert [c.count for c in rocket.claims] == [1]


def test_events_on_different_dates_are_not_merged() -> None:
    text = "A drone strike hit a convoy on Monday.\nAnother drone strike hit a market on Tuesday."
    assert len(propose(make_article(text, PUBLISHED)).mentions) == 2


# ------------------------------------------------------------------ the strategy, code only
def _extract(text: str, **changes: Any) -> Any:
    from extractor.pipeline import Extractor
    from tests.conftest import fake_settings

    settings = fake_settings(__import__("pathlib").Path("/nonexistent"), prompt="events.v5", adjudicate=False)
    return Extractor(settings.replace(**changes)).extract(text, published=PUBLISHED)


def test_code_only_asks_no_llm_and_every_field_is_a_span() -> None:
    result = _extract(
        "Rebels attacked an army post near Kabul on Monday, killing three soldiers, the army said."
    )
    assert result.provenance.model is None and result.provenance.attempts == 0
    assert result.provenance.adjudicated is False
    (event,) = result.events
    assert event.date.value == "2023-03-13"
    assert event.fatalities == 3
    text = "Rebels attacked an army post near Kabul on Monday, killing three soldiers, the army said."
    for span in (event.actor1, event.locations[0].place, event.date.text, event.evidence[0]):
        assert span is not None and text[span.start : span.end] == span.quote


@pytest.mark.parametrize(
    ("text", "diagnostic"),
    [
        ("Les rebelles ont attaqué un poste de l'armée lundi, tuant trois soldats.", "English"),
        ("Troops Kill Five In Raid\nRebels Attack Convoy\nMarket Bombing Toll Rises", "headlines"),
        ("The home side won 3-1 on Saturday. Heavy rain is expected on Monday.", "no sentence reports"),
        ("The militia threatened to attack the city and demanded the release of prisoners.", "threat"),
    ],
)
def test_bad_input_gives_no_event_and_a_clear_diagnostic(text: str, diagnostic: str) -> None:
    result = _extract(text)
    assert result.events == []
    assert any(diagnostic in w for w in result.diagnostics.warnings), result.diagnostics.warnings


def test_a_200_kb_article_is_read_without_error() -> None:
    paragraph = "Rebels attacked an army post on Monday, killing three soldiers, the army said. " * 3
    filler = "The weather stayed dry and markets were calm across the region that week. "
    text = (paragraph + "\n" + filler * 30 + "\n") * 90
    assert len(text) > 200_000
    result = _extract(text, max_article_chars=400_000)
    assert 1 <= len(result.events) <= 50


# ------------------------------------------------------------------ adjudication
def test_the_request_lists_only_candidates_as_enums() -> None:
    spec = load_prompt("events.v5")
    article = make_article("Gunmen attacked an army checkpoint near Kabul on Monday, killing two.", PUBLISHED)
    plan = strategy_for(spec).plan(spec, article, CandidatesOptions(adjudicate=True))
    assert plan.request is not None
    schema = plan.request.response_model.model_json_schema()
    m1 = schema["$defs"]["M1"]["properties"]
    assert m1["event_type"]["enum"][0] == "Armed clash"
    assert m1["actor1"]["enum"] == ["Gunmen", "none"] and "date" not in m1
    assert "BEGIN ARTICLE" in plan.request.messages[-1]["content"]


def test_no_mention_means_no_request() -> None:
    spec = load_prompt("events.v5")
    article = make_article("Heavy rain is expected across the region on Monday.", PUBLISHED)
    assert strategy_for(spec).plan(spec, article, CandidatesOptions(adjudicate=True)).request is None


TEXT = "Gunmen attacked an army checkpoint near Kabul on Monday, killing two soldiers."


def _answer(**m1: Any) -> str:
    return json.dumps({"m1": {"is_event": True, "event_type": "Armed clash", "actor1": "Gunmen",
                              "actor2": "none", **m1}})  # fmt: skip


def test_the_llm_choice_is_used(fake_endpoint: Any) -> None:
    fake = fake_endpoint([ok(_answer(event_type="Attack"))], prompt="events.v5")
    (event,) = fake.extractor.extract(TEXT, published=PUBLISHED).events
    assert event.event_type == "Attack" and event.actor2 is None and event.actor1.quote == "Gunmen"


def test_a_mention_the_llm_rejects_is_dropped_with_a_warning(fake_endpoint: Any) -> None:
    fake = fake_endpoint([ok(_answer(is_event=False))], prompt="events.v5")
    result = fake.extractor.extract(TEXT, published=PUBLISHED)
    assert result.events == [] and any("rejected" in w for w in result.diagnostics.warnings)


def test_an_unusable_answer_falls_back_to_code_ranking(fake_endpoint: Any) -> None:
    fake = fake_endpoint([ok("not json at all")], prompt="events.v5", reasks=0)
    result = fake.extractor.extract(TEXT, published=PUBLISHED)
    (event,) = result.events
    assert event.event_type == "Armed clash"
    assert any("code's ranking decided" in w for w in result.diagnostics.warnings)


# ------------------------------------------------------------------ the optional extra
def test_without_the_nlp_extra_the_strategy_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp_module, "nlp_available", lambda: False)
    nlp_module.load_pipeline.cache_clear()
    try:
        spec = load_prompt("events.v5")
        with pytest.raises(ConfigurationError, match=r"pip install extractor\[nlp\]"):
            strategy_for(spec).plan(spec, make_article(TEXT, PUBLISHED), CandidatesOptions())
    finally:
        nlp_module.load_pipeline.cache_clear()


def test_the_pipeline_is_loaded_once_per_process() -> None:
    assert nlp_module.load_pipeline() is nlp_module.load_pipeline()


def test_the_pipeline_runs_only_components_some_rule_reads() -> None:
    nlp = nlp_module.load_pipeline()
    assert "senter" not in nlp.component_names  # disabled in the package: not even loaded
    assert set(nlp.pipe_names) == {
        "tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", nlp_module.PARAGRAPH_BREAK,
    }  # fmt: skip


def test_an_article_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from spacy.language import Language

    calls: list[str] = []
    real_call = Language.__call__

    def counted(self: Language, text: Any, **kwargs: Any) -> Any:
        calls.append(str(text)[:20])
        return real_call(self, text, **kwargs)

    monkeypatch.setattr(Language, "__call__", counted)
    spec = load_prompt("events.v5")
    text = f"{TEXT}\n\nTroops shelled the village on Tuesday, killing two people, officials said."
    plan = strategy_for(spec).plan(spec, make_article(text, PUBLISHED), CandidatesOptions(adjudicate=False))
    assert plan.state.candidates.mentions
    assert len(calls) == 1


# ------------------------------------------------------------------ precedence refinements
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Police defused a roadside bomb planted near the bridge.", "Disrupted weapons use"),
        ("Troops recovered a cache of rifles and explosives in the forest.", "Disrupted weapons use"),
        (
            "The army recaptured the town from the rebels after heavy fighting.",
            "Government regains territory",
        ),
        ("Rebels captured the town after the army fled.", "Non-state actor overtakes territory"),
        (
            "The militia handed over the town to the army without a fight.",
            "Non-violent transfer of territory",
        ),
        ("Protesters clashed with police and hurled stones at shops.", "Violent demonstration"),
        ("Gunmen shot dead a shopkeeper in his store, police said.", "Attack"),
        ("The two factions signed a ceasefire agreement in the capital.", "Agreement"),
        ("The group set up a new base near the river.", "Headquarters or base established"),
    ],
)
def test_precedence_refinements(sentence: str, expected: str) -> None:
    mentions = find_mentions(sentence, PUBLISHED).mentions
    assert mentions and mentions[0].types[0] == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Floods killed twelve people in the northern district on Monday.", "a disaster, accident or crime"),
        ("A gas cylinder explosion at a factory killed four workers.", "a disaster, accident or crime"),
        ("The warehouse stored rockets and mortar shells.", "weapons held or traded, not used"),
        (
            "The group claimed responsibility for the attack.",
            "statement about it (claim of responsibility, blame, condemnation)",
        ),
    ],
)
def test_disasters_crime_possession_and_attribution_are_not_events(text: str, reason: str) -> None:
    found = find_mentions(text, PUBLISHED)
    assert found.mentions == ()
    assert reason in [r.reason for r in found.rejected]


def test_with_no_endpoint_the_default_is_code_only_and_no_model_is_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from extractor import pipeline
    from extractor.settings import Settings

    def no_server(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the embedded model was started for a code-only run")

    monkeypatch.setattr(pipeline, "LocalModelServer", no_server)
    settings = Settings(prompt="events.v5", use_cache=False)  # no endpoint, adjudication auto
    assert settings.resolved_adjudicate is False
    with pipeline.Extractor(settings) as session:
        assert session.asks_llm is False
        result = session.extract(
            "Rebels attacked an army post near Kabul on Monday, killing three soldiers.", published=PUBLISHED
        )
    assert len(result.events) == 1 and result.provenance.model is None


def test_a_model_first_needed_on_the_async_path_is_started_once_and_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import asyncio
    import threading
    import time

    from extractor import pipeline
    from extractor.errors import LLMError
    from extractor.settings import Settings

    started_on: list[threading.Thread] = []

    class SlowServer:
        base_url = "http://127.0.0.1:9/v1"

        def __init__(self, *_args: Any, **_kwargs: Any) -> None:
            pass

        def start(self) -> Any:
            started_on.append(threading.current_thread())
            time.sleep(0.2)  # a model takes a while to load: concurrent first calls overlap here
            return self

        def stop(self) -> None:
            pass

    class Client:
        def __init__(self, *_args: Any, **_kwargs: Any) -> None:
            pass

        async def acomplete(self, *_args: Any, **_kwargs: Any) -> Any:
            raise LLMError("no answer in this test")

        def close(self) -> None:
            pass

        async def aclose(self) -> None:
            pass

    monkeypatch.setattr(pipeline, "LocalModelServer", SlowServer)
    monkeypatch.setattr(pipeline, "LLMClient", Client)
    settings = Settings(prompt="events.v5", use_cache=False, cache_dir=tmp_path)  # code only: not started
    with pipeline.Extractor(settings) as session:
        assert started_on == []
        texts = [f"Rebels attacked an army post near Kabul on Monday, report {i}." for i in range(3)]
        outcomes = asyncio.run(session.aextract_many(texts, concurrency=3, prompt="events.v1"))
    assert all(isinstance(o, LLMError) for o in outcomes)
    assert len(started_on) == 1 and started_on[0] is not threading.main_thread()
