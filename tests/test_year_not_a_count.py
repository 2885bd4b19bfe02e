"""A year is never a casualty count, on the code-only path and on the LLM path alike (one rule)."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.inputs import make_article
from extractor.pipeline import Extractor
from tests.conftest import FakeEndpoint
from tests.fakes import Recorder, ok

SENTENCE = "The 2019 attack killed five people, officials said."
#: The year's clause inside the Monday event's sentence: alone, "The 2019 attack" is an event of a
#: year only, excluded before any claim is read, so the year rule would not be exercised.
CODE_TEXT = "Gunmen attacked a market in the north on Monday, the 2019 attack killed five people."
TEXT = f"Gunmen attacked a market in the north on Monday. {SENTENCE}"


def test_code_only_claims_never_count_the_year(tmp_path: Path) -> None:
    from tests.conftest import fake_settings

    settings = fake_settings(tmp_path, prompt="events.v5", adjudicate=False)
    with Extractor(settings) as session:
        result = session.extract_article(make_article(CODE_TEXT, "2020-01-08", "y"))
    claims = [(c.kind, c.count) for event in result.events for c in event.casualties]
    assert ("killed", 2019) not in claims
    assert ("killed", 5) in claims
    assert all(event.fatalities != 2019 for event in result.events)


def test_an_llm_claim_of_the_year_is_dropped_and_never_sets_fatalities(tmp_path: Path) -> None:
    event = {
        "event_type": "Attack",
        "date_text": "Monday",
        "locations": [],
        "actor1": "Gunmen",
        "actor2": None,
        "casualties": [
            {"kind": "killed", "count": 2019, "qualifier": "exact", "claimed_by": "officials",
             "victims": "people", "quote": SENTENCE},
        ],
        "evidence": ["Gunmen attacked a market in the north on Monday."],
    }  # fmt: skip
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(json.dumps({"events": [event]}))]), reasks=0)
    result = endpoint.extractor.extract(TEXT, published="2020-01-08", article_id="y")
    (kept,) = result.events
    assert kept.casualties == []
    assert kept.fatalities is None
    assert any("2019" in error for error in result.diagnostics.validation_errors)
