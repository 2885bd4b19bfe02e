"""Grounding: quotes located in the article with offsets into the original text, and nothing fuzzier."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from extractor.grounding import (
    MIN_EVIDENCE_CHARS,
    GroundedDraft,
    draft_problems,
    find_quote,
    fold,
    ground_event,
)
from schemas.events_v1 import EventDraft, ExtractionDraft
from tests.fakes import ARTICLE, grounded_answer, ungrounded_answer


def event_problems(event: EventDraft, text: str, where: str) -> list[str]:
    return [problem.located(where) for problem in ground_event(event, text).problems]


def _event(**changes: Any) -> EventDraft:
    base: dict[str, Any] = {
        "event_type": "Armed clash",
        "evidence": ["Rebels attacked an army post near Kidal on Monday"],
    }
    base.update(changes)
    return EventDraft.model_validate(base)


# ------------------------------------------------------------------ find_quote


def test_exact_quote_gets_its_offsets() -> None:
    quote = "killing three soldiers"
    span = find_quote(quote, ARTICLE)
    assert span is not None
    assert span.alignment == "exact"
    assert span.start == ARTICLE.index(quote)
    assert span.end == span.start + len(quote)
    assert ARTICLE[span.start : span.end] == quote


def test_exact_quote_with_surrounding_whitespace_points_at_the_stripped_passage() -> None:
    span = find_quote("  killing three soldiers\n", ARTICLE)
    assert span is not None
    assert span.alignment == "exact"
    assert ARTICLE[span.start : span.end] == "killing three soldiers"
    assert span.quote == "killing three soldiers"  # the span holds the article's words, not the LLM's


def test_ascii_quote_matches_curly_quotes_in_the_article() -> None:
    span = find_quote('"at least 10 soldiers died"', ARTICLE)
    assert span is not None
    assert span.alignment == "normalized"
    assert ARTICLE[span.start : span.end] == "\u201cat least 10 soldiers died\u201d"


def test_curly_apostrophe_in_the_article_matches_an_ascii_apostrophe() -> None:
    text = "Officials said the group\u2019s fighters withdrew from the town overnight."
    span = find_quote("the group's fighters withdrew", text)
    assert span is not None
    assert span.alignment == "normalized"
    assert text[span.start : span.end] == "the group\u2019s fighters withdrew"


def test_whitespace_runs_and_newlines_in_the_article_still_match() -> None:
    text = "Intro line.\nRebels   attacked\n\n  an army\tpost near Kidal.\nMore text."
    quote = "Rebels attacked an army post"
    span = find_quote(quote, text)
    assert span is not None
    assert span.alignment == "normalized"
    assert text[span.start : span.end] == "Rebels   attacked\n\n  an army\tpost"
    assert fold(text[span.start : span.end]) == fold(quote)
    assert span.quote == text[span.start : span.end]


def test_normalized_match_in_the_middle_of_a_long_text_points_at_the_right_passage() -> None:
    text = "a \u201cquoted\u201d  word. " * 50 + "The   \u201cfinal\u201d\nsentence here." + " tail" * 20
    span = find_quote('The "final" sentence here', text)
    assert span is not None
    assert span.alignment == "normalized"
    assert text[span.start : span.end] == "The   \u201cfinal\u201d\nsentence here"
    assert span.start == text.index("The   \u201cfinal")


def test_no_break_space_in_the_article_matches_a_plain_space() -> None:
    text = "Fighting resumed in\u00a0Kidal on Monday."
    span = find_quote("resumed in Kidal", text)
    assert span is not None
    assert text[span.start : span.end] == "resumed in\u00a0Kidal"


def test_a_quote_not_in_the_text_is_not_found() -> None:
    assert find_quote("Rebels stormed the capital with tanks", ARTICLE) is None


def test_a_near_miss_is_not_found() -> None:
    # Nothing fuzzier than quote/whitespace/case folding: one changed word is a miss.
    assert find_quote("Rebels attacked an army base near Kidal", ARTICLE) is None
    assert find_quote("Rebels attacked the army post", ARTICLE) is None


def test_a_case_difference_is_found_as_normalized_at_the_articles_words() -> None:
    span = find_quote("rebels attacked an army post", ARTICLE)
    assert span is not None and span.alignment == "normalized"
    assert span.quote == "Rebels attacked an army post" == ARTICLE[span.start : span.end]


@pytest.mark.parametrize("quote", ["", "   ", "\n\t"])
def test_an_empty_or_blank_quote_is_not_found(quote: str) -> None:
    assert find_quote(quote, ARTICLE) is None


# ------------------------------------------------------------------ problems


def test_too_short_evidence_is_a_problem_even_when_present() -> None:
    short = "Rebels"
    assert short in ARTICLE and len(short) < MIN_EVIDENCE_CHARS
    problems = event_problems(_event(evidence=[short]), ARTICLE, "events[0]")
    assert len(problems) == 1
    assert "events[0].evidence[0]" in problems[0]
    assert "too short" in problems[0]


def test_missing_evidence_is_a_problem_naming_the_field() -> None:
    problems = event_problems(
        _event(evidence=["Rebels stormed the capital with tanks"]), ARTICLE, "events[2]"
    )
    assert problems == [
        "events[2].evidence[0] is not in the article; copy the words exactly: "
        "'Rebels stormed the capital with tanks'"
    ]


def test_grounded_event_has_no_problems() -> None:
    draft = ExtractionDraft.model_validate_json(grounded_answer())
    assert draft_problems(draft, ARTICLE) == []


def test_casualty_count_absent_from_its_quote_is_a_problem() -> None:
    claim = {"kind": "killed", "count": 4, "qualifier": "exact", "quote": "killing three soldiers"}
    problems = event_problems(_event(casualties=[claim]), ARTICLE, "events[0]")
    assert problems == ["events[0].casualties[0].count 4 is not stated as a killed figure in its quote"]


def test_date_text_not_in_the_article_is_a_problem() -> None:
    problems = event_problems(_event(date_text="Friday"), ARTICLE, "events[0]")
    assert problems == ["events[0].date_text is not in the article: 'Friday'"]


# ------------------------------------------------------------------ GroundedDraft


def test_grounded_draft_rejects_a_bad_quote_listing_the_field_path() -> None:
    data = json.loads(ungrounded_answer())
    with pytest.raises(ValidationError) as info:
        GroundedDraft.model_validate(data, context={"article": ARTICLE})
    message = str(info.value)
    assert "events[0].evidence[0]" in message
    assert "Rebels stormed the capital with tanks and artillery" in message


def test_grounded_draft_lists_every_problem_of_every_event() -> None:
    data = json.loads(grounded_answer())
    data["events"].append(json.loads(ungrounded_answer())["events"][0])
    data["events"][0]["casualties"][0]["count"] = 4
    with pytest.raises(ValidationError) as info:
        GroundedDraft.model_validate(data, context={"article": ARTICLE})
    message = str(info.value)
    assert "events[0].casualties[0].count 4" in message
    assert "events[1].evidence[0]" in message


def test_grounded_draft_accepts_good_quotes() -> None:
    draft = GroundedDraft.model_validate(json.loads(grounded_answer()), context={"article": ARTICLE})
    assert len(draft.events) == 1
    assert draft.events[0].evidence == ["Rebels attacked an army post near Kidal on Monday"]


def test_grounded_draft_without_an_article_in_context_only_checks_the_shape() -> None:
    draft = GroundedDraft.model_validate(json.loads(ungrounded_answer()))
    assert len(draft.events) == 1


def test_grounded_draft_sends_the_same_json_schema_as_extraction_draft() -> None:
    assert GroundedDraft.model_json_schema() == ExtractionDraft.model_json_schema()


# ------------------------------------------------------------------ properties

_TEXT = st.text(
    alphabet=st.sampled_from(list("ab c.\n\t\u00a0'\"`\u2018\u2019\u201c\u201dXyz1,")) | st.characters(),
    min_size=1,
    max_size=80,
)


@st.composite
def _text_and_slice(draw: st.DrawFn, text_strategy: st.SearchStrategy[str] = _TEXT) -> tuple[str, str]:
    text = draw(text_strategy)
    start = draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = draw(st.integers(min_value=start + 1, max_value=len(text)))
    return text, text[start:end]


@given(_text_and_slice().filter(lambda pair: pair[1].strip() != ""))
def test_any_non_blank_slice_of_the_text_is_found(pair: tuple[str, str]) -> None:
    text, piece = pair
    span = find_quote(piece, text)
    assert span is not None
    assert 0 <= span.start < span.end <= len(text)
    if span.alignment == "exact":
        assert text[span.start : span.end] == piece.strip()
    assert fold(text[span.start : span.end]) == fold(piece)


_TYPOGRAPHIC = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "}


@given(
    _text_and_slice(
        st.text(
            alphabet=st.sampled_from(list("abc .,\n\t\u00a0\u2018\u2019\u201c\u201d")),
            min_size=1,
            max_size=60,
        )
    ).filter(lambda pair: fold(pair[1]) != "")
)
def test_a_slice_retyped_with_ascii_quotes_and_single_spaces_is_found(pair: tuple[str, str]) -> None:
    text, piece = pair
    retyped = re.sub(r"\s+", " ", "".join(_TYPOGRAPHIC.get(ch, ch) for ch in piece))
    span = find_quote(retyped, text)
    assert span is not None
    assert fold(text[span.start : span.end]) == fold(piece)
    # the span starts and ends on a non-blank character of the original text
    assert not text[span.start].isspace() and not text[span.end - 1].isspace()


# ------------------------------------------------- names as whole words; claims keep their qualifier
@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Gao", "Officials in Gaoua said the road was open.", None),  # only inside a longer word
        ("Gao", "Officials in Gaoua said fighting in Gao had stopped.", (36, 39)),
        ("army", "The armyworm ate the crops; the army said nothing.", (32, 36)),
        ("Mali", "Somalia and Malian troops", None),
    ],
)
def test_locate_finds_names_as_whole_words_only(
    name: str, text: str, expected: tuple[int, int] | None
) -> None:
    from extractor.grounding import locate

    span = locate(name, text)
    assert (None if span is None else (span.start, span.end)) == expected


def test_an_actor_found_only_inside_a_longer_word_is_not_grounded() -> None:
    grounded = ground_event(_event(actor1="Reb"), ARTICLE)  # "Rebels" holds "Reb"
    assert grounded.actor1 is None
    assert [p.kind for p in grounded.problems] == ["name_not_found"]


@pytest.mark.parametrize("qualifier", ["at_least", "approximate", "exact"])
def test_a_grounded_claim_keeps_the_qualifier_it_was_given(qualifier: str) -> None:
    claim = {"kind": "killed", "count": 10, "qualifier": qualifier, "quote": '"at least 10 soldiers died"'}
    grounded = ground_event(_event(casualties=[claim]), ARTICLE)
    assert [(c.count, c.qualifier) for c in grounded.claims] == [(10, qualifier)]
