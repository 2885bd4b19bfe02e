"""``extractor.review`` on records alone: folding corrections never changes the machine's original,
the corrected result leaves rejected records out and flags reviewed ones, selections are spans."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from extractor import ArticleResult, InputError, merge, review
from extractor.review import Correction, SpanIn, corrected_result, fold, plan, span_of
from tests.test_public_api import _isort_style

TEXT = "Gunmen attacked a police station in Kidal, Mali, on Monday."


def _result() -> ArticleResult:
    span = {"quote": "Gunmen attacked a police station", "start": 0, "end": 32, "alignment": "exact"}
    event = {
        "event_type": "Armed clash",
        "acled_event_type": "Battles",
        "disorder_type": "Political violence",
        "date": {"value": "2023-03-13", "precision": "day"},
        "actor1": {"quote": "Gunmen", "start": 0, "end": 6, "alignment": "exact"},
        "evidence": [span],
    }
    provenance = {"prompt_id": "events", "prompt_version": 1, "prompt_sha256": "x", "strategy": "quotes",
                  "temperature": 0, "attempts": 1, "duration_s": 0, "llm_duration_s": 0,
                  "package_version": "0", "adjudicated": False}  # fmt: skip
    return ArticleResult.model_validate(
        {"article_id": "a", "published": "2023-03-15", "events": [event, event], "provenance": provenance}
    )


def test_all_is_sorted_and_complete() -> None:
    assert review.__all__ == sorted(review.__all__, key=_isort_style)
    public = {n for n in dir(review) if not n.startswith("_") and n not in {"annotations"}}
    modules = {"actions", "cli", "gold", "requests", "rules", "state"}
    assert public - modules == set(review.__all__)


def test_folding_leaves_the_original_unchanged_and_the_served_result_drops_rejections() -> None:
    original = _result()
    before = original.model_dump()
    state = fold(original, [])
    steps = plan(state, review_action({"action": "reject", "event": 2, "rule": "2: statement"}), TEXT)
    steps += plan(
        fold(original, steps), review_action({"action": "set-type", "event": 1, "event_type": "Attack"}), TEXT
    )
    state = fold(original, steps)
    assert original.model_dump() == before
    assert [(e.status, e.event.event_type) for e in state.events] == [
        ("accepted", "Attack"),
        ("rejected", "Armed clash"),
    ]
    served = corrected_result(original, state)
    assert [(e.event_type, e.reviewed) for e in served.events] == [("Attack", True)]
    assert served.events[0].acled_event_type == "Violence against civilians"  # derived again


def test_a_correction_of_an_event_the_article_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="event 7"):
        fold(_result(), [Correction(event=7, field="actor1", old=None, new=None)])


@pytest.mark.parametrize(
    ("selection", "expected"),
    [((0, 7), "Gunmen"), ((6, 16), "attacked"), ((36, 41), "Kidal")],
)
def test_a_selection_is_trimmed_to_the_article_words(selection: tuple[int, int], expected: str) -> None:
    found = span_of(TEXT, SpanIn(start=selection[0], end=selection[1]), "span")
    assert found.quote == expected == TEXT[found.start : found.end]


def review_action(data: dict[str, object]) -> object:
    return TypeAdapter(review.Action).validate_python(data)


def test_a_selected_country_is_recognised_and_completes_the_place_before_it() -> None:
    state = fold(_result(), [])
    [kidal] = plan(
        state, review_action({"action": "add-place", "event": 1, "span": {"start": 36, "end": 41}}), TEXT
    )
    [mali] = plan(
        state, review_action({"action": "add-place", "event": 1, "span": {"start": 43, "end": 47}}), TEXT
    )
    assert kidal.new[0]["place"]["quote"] == "Kidal" and kidal.new[0]["country_code"] is None
    assert mali.new[0]["country"]["quote"] == "Mali" and mali.new[0]["country_code"] == "MLI"
    # a country selected after a place completes that place's location
    both = fold(_result(), [kidal])
    [completed] = plan(
        both, review_action({"action": "add-place", "event": 1, "span": {"start": 43, "end": 47}}), TEXT
    )
    assert [
        (loc["place"]["quote"], loc["country"]["quote"], loc["country_code"]) for loc in completed.new
    ] == [("Kidal", "Mali", "MLI")]
    with pytest.raises(InputError, match="not 'Gao'"):
        plan(
            state,
            review_action(
                {"action": "add-place", "event": 1, "span": {"start": 36, "end": 41, "quote": "Gao"}}
            ),
            TEXT,
        )


def test_a_corpus_event_is_reviewed_only_when_every_mention_was() -> None:
    original = _result().model_copy(update={"events": _result().events[:1]})
    accepted = corrected_result(
        original,
        fold(original, plan(fold(original, []), review_action({"action": "accept", "event": 1}), TEXT)),
    )
    untouched = original.model_copy(update={"article_id": "b"})
    assert [e.reviewed for e in merge([accepted]).events] == [True]
    assert [(len(e.mentions), e.reviewed) for e in merge([accepted, untouched]).events] == [(2, False)]
    assert corrected_result(original, fold(original, [])) is original  # no correction: the machine's
