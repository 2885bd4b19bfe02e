"""Sentence-choice evidence (prompts with evidence_mode: sentences, e.g. events.v3)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from extractor.grounding import MIN_EVIDENCE_CHARS, GroundedDraft, find_quote
from extractor.prompts import load_prompt
from extractor.strategies.sentences import grammar_safe, sentence_choice_model, sentences
from tests.fakes import ARTICLE, PUBLISHED, ok

FIRST = "Rebels attacked an army post near Kidal on Monday, killing three soldiers, the army said."


def test_sentences_carry_exact_offsets_into_the_article() -> None:
    spans = sentences(ARTICLE)
    assert spans[0].quote == FIRST
    for span in spans:
        assert ARTICLE[span.start : span.end] == span.quote
        assert span.alignment == "exact"


@given(
    st.lists(
        st.sampled_from(
            [
                "Troops fired on a crowd.",
                "  ",
                "\n",
                "Police said 3 died!",
                "OK.",
                "A long sentence about a protest in the capital city",
            ]
        ),
        max_size=12,
    )
)
def test_sentences_are_substrings_long_enough_and_unique(parts: list[str]) -> None:
    text = " ".join(parts)
    spans = sentences(text)
    assert len({s.quote for s in spans}) == len(spans)
    for span in spans:
        assert text[span.start : span.end] == span.quote
        assert len(span.quote) >= MIN_EVIDENCE_CHARS
        assert span.quote == span.quote.strip()


def test_schema_offers_exactly_the_sentences_as_evidence() -> None:
    model = sentence_choice_model(ARTICLE)
    schema = model.model_json_schema()
    assert schema["title"] == "ExtractionDraft"
    allowed = schema["$defs"]["EventDraft"]["properties"]["evidence"]["items"]["enum"]
    assert allowed == [grammar_safe(s.quote) for s in sentences(ARTICLE)]
    assert schema["$defs"]["CasualtyDraft"]["properties"]["quote"]["enum"] == allowed
    assert issubclass(model, GroundedDraft)


def _event(evidence: str) -> dict[str, object]:
    return {"event_type": "Armed clash", "evidence": [evidence]}


def test_a_sentence_not_in_the_list_is_refused_and_a_listed_one_accepted() -> None:
    model = sentence_choice_model(ARTICLE)
    model.model_validate({"events": [_event(FIRST)]}, context={"article": ARTICLE})
    with pytest.raises(ValidationError):
        model.model_validate(
            {"events": [_event("Rebels attacked an army post near Kidal.")]}, context={"article": ARTICLE}
        )


def test_text_without_usable_sentences_falls_back_to_free_quotes() -> None:
    assert sentence_choice_model("Short.") is GroundedDraft


def test_released_quote_prompts_keep_free_quotes_and_v3_chooses_sentences() -> None:
    assert load_prompt("events.v1").evidence_mode == "quote"
    assert load_prompt("events.v2").evidence_mode == "quote"
    assert load_prompt("events.v3").evidence_mode == "sentences"


def test_extraction_with_a_sentence_prompt_sends_the_enum_and_grounds_exactly(fake_endpoint) -> None:
    answer = json.dumps(
        {
            "events": [
                {
                    "event_type": "Armed clash",
                    "date_text": "Monday",
                    "locations": [{"country": "Mali", "place": "Kidal"}],
                    "actor1": "Rebels",
                    "actor2": "army post",
                    "casualties": [],
                    "evidence": [FIRST],
                }
            ]
        }
    )
    endpoint = fake_endpoint([ok(answer)])
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED, prompt="events.v3")
    assert endpoint.request_count == 1
    body = next(endpoint.recorder.bodies)
    schema = body["response_format"]["schema"]
    assert FIRST in schema["$defs"]["EventDraft"]["properties"]["evidence"]["items"]["enum"]
    span = result.events[0].evidence[0]
    assert ARTICLE[span.start : span.end] == FIRST and span.alignment == "exact"
    assert result.provenance.prompt_version == 3


def test_offered_sentences_avoid_what_breaks_llama_cpp_grammars_yet_ground_exactly() -> None:
    text = (
        'The spokesman said "we hit them hard" on Monday.\nA path C:\\temp\\x was named in a long sentence.\n'
        "Troops moved into the town at dawn."
    )
    allowed = sentence_choice_model(text).model_json_schema()["$defs"]["EventDraft"]["properties"][
        "evidence"
    ]["items"]["enum"]
    assert allowed == [
        "The spokesman said \u201dwe hit them hard\u201d on Monday.",
        "Troops moved into the town at dawn.",
    ]
    span = find_quote(allowed[0], text)
    assert (
        span is not None and text[span.start : span.end] == 'The spokesman said "we hit them hard" on Monday.'
    )
    assert span.alignment == "normalized"
