"""Duplicates and caps: a repeating answer is merged, and no answer keeps more than the cap of events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, ok

FIRST = ARTICLE.splitlines()[0]
SECOND = ARTICLE.splitlines()[1]


def _answer(events: list[dict[str, Any]]) -> str:
    return json.dumps({"events": events})


def _event(event_type: str = "Armed clash", evidence: str = FIRST, **extra: Any) -> dict[str, Any]:
    return {"event_type": event_type, "evidence": [evidence], **extra}


def test_a_repeating_answer_of_hundreds_of_identical_events_keeps_one(tmp_path: Path) -> None:
    # a model looping within its token budget: 400 copies fit the answer's size bound (thousands
    # would not, and are refused unread: tests/test_hostile_answers.py)
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(_answer([_event()] * 400))]))
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED)
    assert len(result.events) == 1
    assert result.diagnostics.duplicates_merged == 399
    assert len(result.model_dump_json()) < 20_000


def test_events_that_become_the_same_record_after_grounding_are_merged(tmp_path: Path) -> None:
    # different drafts (actor spelled two ways), same type, date and evidence span: one record
    answer = _answer([_event(actor1="Rebels"), _event(actor1="rebels")])
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(answer)]))
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED)
    assert len(result.events) == 1 and result.diagnostics.duplicates_merged == 1


def test_different_events_on_the_same_evidence_are_not_merged(tmp_path: Path) -> None:
    answer = _answer([_event("Armed clash"), _event("Attack")])
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(answer)]))
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED)
    assert [e.event_type for e in result.events] == ["Armed clash", "Attack"]
    assert result.diagnostics.duplicates_merged == 0


def test_events_beyond_the_cap_are_counted_not_kept(tmp_path: Path) -> None:
    types = ["Armed clash", "Attack", "Arrests", "Other", "Grenade", "Agreement"]
    answer = _answer([_event(t, e) for t in types for e in (FIRST, SECOND)])  # 12 distinct events
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(answer)]), max_events_per_article=5)
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED)
    assert len(result.events) == 5
    assert result.diagnostics.events_over_cap == 7
    assert any("EXTRACTOR_MAX_EVENTS" in w for w in result.diagnostics.warnings)
