"""Open answers (events.v6): an option's id, "none", or the article's words, grounded by the one rule set.

Each behaviour runs the real pipeline against the stand-in server (``scripts/fake_llm.py``) for
every endpoint kind, with the model's answer scripted, and the server judging every request and
answer by OpenAI's API description.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from extractor.endpoints import PROFILES
from extractor.inputs import make_article
from extractor.pipeline import Extractor
from extractor.prompts import load_prompt
from extractor.settings import Settings
from extractor.strategies import strategy_for
from extractor.strategies.candidates import CandidatesOptions, adjudication_model, propose
from extractor.strategies.candidates.quoting import MAX_QUOTE_CHARS, open_listing, open_model, open_options
from schemas.events_v3 import ArticleResult
from tests.fakes import ARTICLE, PUBLISHED
from tests.test_endpoint_conformance import conforming, settings_for

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

KINDS = sorted(PROFILES)


def _mention() -> Any:
    (mention,) = propose(make_article(ARTICLE, PUBLISHED)).mentions
    return mention


def _answer(**fields: str) -> dict[str, Any]:
    """The model's answer for the one candidate of ``ARTICLE``: code's first options unless changed."""
    return {"m1": {"is_event": True, "event_type": "Armed clash", "actor1": "a1", "actor2": "b1",
                   "date": "d1", "place": "none", **fields}}  # fmt: skip


def _extract(kind: str, tmp_path: Path, *answers: dict[str, Any]) -> tuple[ArticleResult, Any]:
    with (
        conforming(answers=list(answers)) as server,
        Extractor(settings_for(kind, server.base_url, tmp_path)) as session,
    ):
        result = session.extract(ARTICLE, published=PUBLISHED, prompt="events.v6")
    assert server.seen.problems == []
    return result, server


def test_the_article_example_has_options_to_choose_and_a_place_code_missed() -> None:
    """The premises of the tests below: what code offers for the one candidate of ``ARTICLE``."""
    options = open_options(_mention())
    assert options["actor1"][0] == "Rebels" and "soldiers" in options["actor2"]
    assert options["date"] == ("Monday",)
    assert not any("Kidal" in place for place in options["place"])  # "near Kidal": not offered as a place


# ------------------------------------------------------------------ the response model
def test_each_open_field_takes_an_option_none_or_words_and_the_type_stays_a_choice() -> None:
    model = open_model([_mention()])
    model.model_validate(_answer(actor1="a2", actor2="none", place="Kidal"))
    with pytest.raises(ValidationError):
        model.model_validate(_answer(event_type="Riot"))  # not among code's ranked types


@pytest.mark.parametrize(("field", "answer"), [("actor1", "a9"), ("place", "p1"), ("date", "b1")])
def test_an_id_that_is_no_option_of_its_field_is_refused_naming_the_options(field: str, answer: str) -> None:
    with pytest.raises(ValidationError, match=f"{field} '{answer}' is not one of its options"):
        open_model([_mention()]).model_validate(_answer(**{field: answer}))


@pytest.mark.parametrize("answer", ["", "x" * (MAX_QUOTE_CHARS + 1)])
def test_a_quote_is_a_few_words_never_empty_nor_a_passage(answer: str) -> None:
    with pytest.raises(ValidationError):
        open_model([_mention()]).model_validate(_answer(actor2=answer))


def test_events_v5_still_answers_only_among_the_candidates() -> None:
    with pytest.raises(ValidationError):
        adjudication_model([_mention()]).model_validate(
            {"m1": {"is_event": True, "event_type": "Armed clash", "actor1": "Rebels", "actor2": "the mayor"}}
        )


def test_the_data_block_holds_the_article_then_the_candidates_with_ids() -> None:
    data = open_listing(ARTICLE, [_mention()])
    assert data.startswith(ARTICLE)
    assert 'actor1: a1 "Rebels"' in data and 'date: d1 "Monday"' in data
    assert "place: (no option found)" in data


# ------------------------------------------------------------------ through every endpoint kind
@pytest.mark.parametrize("kind", KINDS)
def test_an_option_id_takes_that_option(kind: str, tmp_path: Path) -> None:
    b = open_options(_mention())["actor2"].index("soldiers") + 1
    result, _server = _extract(kind, tmp_path, _answer(actor2=f"b{b}"))
    (event,) = result.events
    assert event.actor1 is not None and event.actor1.quote == "Rebels"
    assert event.actor2 is not None and event.actor2.quote == "soldiers"
    assert event.date.text is not None and event.date.text.quote == "Monday"
    assert event.date_basis == "event"  # code's own first date keeps how code found it
    assert event.locations == []  # "none"
    assert result.provenance.adjudicated is True


@pytest.mark.parametrize("kind", KINDS)
def test_the_articles_words_fill_a_field_none_of_the_options_has(kind: str, tmp_path: Path) -> None:
    result, _server = _extract(kind, tmp_path, _answer(place="Kidal", date="on Tuesday"))
    (event,) = result.events
    (location,) = event.locations
    assert location.place is not None and ARTICLE[location.place.start : location.place.end] == "Kidal"
    assert location.country_code == "MLI"  # the country the place implies
    assert event.date.text is not None and event.date.text.quote == "on Tuesday"
    assert str(event.date.value) == "2023-03-14" and event.date_basis is None  # the LLM's, not code's
    assert any("m1.place: the adjudicator quoted 'Kidal'" in w for w in result.diagnostics.warnings)


@pytest.mark.parametrize("kind", KINDS)
def test_words_the_article_does_not_say_are_dropped_with_a_diagnostic(kind: str, tmp_path: Path) -> None:
    answer = _answer(actor2="the presidential guard", date="on Friday", place="Lyon")
    result, _server = _extract(kind, tmp_path, answer)
    (event,) = result.events
    assert event.actor2 is None and event.date.text is None and event.date.value is None
    assert event.locations == []  # not even the country the unsaid place would imply
    warnings = " ".join(result.diagnostics.warnings)
    assert "actor2 is not in the article and was set to null" in warnings
    assert "date expression 'on Friday' is not in the article" in warnings
    assert "locations[0].place is not in the article and was set to null" in warnings


@pytest.mark.parametrize("kind", KINDS)
def test_none_empties_a_field_code_had_filled(kind: str, tmp_path: Path) -> None:
    result, _server = _extract(kind, tmp_path, _answer(actor1="none", date="none"))
    (event,) = result.events
    assert event.actor1 is None and event.date.text is None and event.date_basis is None
    assert event.actor2 is not None and event.actor2.quote == open_options(_mention())["actor2"][0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("wrong", "says"),
    [("a9", "is not one of its options"), ("x" * (MAX_QUOTE_CHARS + 1), "at most 120 characters")],
    ids=["unknown-id", "over-long-quote"],
)
def test_a_refused_answer_is_reasked_and_the_second_answer_kept(
    wrong: str, says: str, kind: str, tmp_path: Path
) -> None:
    result, server = _extract(kind, tmp_path, _answer(actor1=wrong), _answer(actor1="a2"))
    assert len(server.seen.requests) == 2
    reask = str(server.seen.requests[1]["messages"][-1])
    assert says in reask
    (event,) = result.events
    assert event.actor1 is not None and event.actor1.quote == open_options(_mention())["actor1"][1]
    assert result.provenance.attempts == 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_rejected_candidate_is_no_record(kind: str, tmp_path: Path) -> None:
    result, _server = _extract(kind, tmp_path, {"m1": {**_answer()["m1"], "is_event": False}})
    assert result.events == []
    assert any("the LLM rejected a candidate event" in w for w in result.diagnostics.warnings)


# ------------------------------------------------------------------ code alone
def test_with_adjudication_off_events_v6_asks_nothing_and_equals_events_v5() -> None:
    article = make_article(ARTICLE, PUBLISHED)
    spec6 = load_prompt("events.v6")
    plan6 = strategy_for(spec6).plan(spec6, article, CandidatesOptions(adjudicate=False))
    assert plan6.request is None
    with Extractor(Settings(adjudicate=False, use_cache=False)) as session:
        six = session.extract(ARTICLE, published=PUBLISHED, prompt="events.v6")
        five = session.extract(ARTICLE, published=PUBLISHED, prompt="events.v5")
    assert six.events == five.events and six.events
    assert six.provenance.adjudicated is False
