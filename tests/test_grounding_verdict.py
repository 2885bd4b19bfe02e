"""One rule set: the re-ask validator and the final keep/drop step reach the same verdict.

The validator is the response model instructor validates answers with (``GroundedDraft``, with
the article in the validation context); the keep/drop step is exercised through ``extract``
against a fake endpoint with no re-asks, so its decisions are the kept events and ``diagnostics``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from extractor.grounding import MIN_EVIDENCE_CHARS, GroundedDraft
from schemas.events_v3 import ArticleResult
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, ok

SENTENCES = [s.strip() for s in re.split(r"(?<=\.)\s", ARTICLE) if s.strip()]
NOT_IN_ARTICLE = "Government forces shelled the northern districts overnight"


def _extract(tmp_path: Path, events: list[dict[str, Any]]) -> ArticleResult:
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(json.dumps({"events": events}))]), reasks=0)
    return endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="verdict")


def _event(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event_type": "Armed clash",
        "date_text": None,
        "locations": [],
        "actor1": "Rebels",
        "actor2": None,
        "casualties": [],
        "evidence": [SENTENCES[0]],
    }
    return {**base, **changes}


def _claim(count: int, quote: str) -> dict[str, Any]:
    return {
        "kind": "killed",
        "count": count,
        "qualifier": "exact",
        "claimed_by": None,
        "victims": None,
        "quote": quote,
    }


# ------------------------------------------------------------------ the rules, through extract


def test_a_claim_whose_figure_is_not_in_its_quote_is_dropped_by_extract(tmp_path: Path) -> None:
    result = _extract(tmp_path, [_event(casualties=[_claim(7, SENTENCES[0]), _claim(3, SENTENCES[0])])])
    assert [c.count for c in result.events[0].casualties] == [3]
    assert result.diagnostics.claims_dropped == 1
    assert result.events[0].fatalities == 3


def test_a_claim_whose_quote_is_not_in_the_article_is_dropped_by_extract(tmp_path: Path) -> None:
    result = _extract(tmp_path, [_event(casualties=[_claim(3, "killing three soldiers in the capital")])])
    assert result.events[0].casualties == []
    assert result.diagnostics.claims_dropped == 1
    assert result.events[0].fatalities is None


def test_an_event_with_no_evidence_found_is_dropped_and_listed(tmp_path: Path) -> None:
    result = _extract(tmp_path, [_event(evidence=[NOT_IN_ARTICLE])])
    assert result.events == []
    assert [d.quotes for d in result.diagnostics.dropped] == [[NOT_IN_ARTICLE]]


def test_a_missing_quote_is_removed_and_the_event_kept_with_a_warning(tmp_path: Path) -> None:
    result = _extract(tmp_path, [_event(evidence=[NOT_IN_ARTICLE, SENTENCES[1]])])
    assert [s.quote for s in result.events[0].evidence] == [SENTENCES[1]]
    assert any("1 evidence quote(s) not found" in w for w in result.diagnostics.warnings)


def test_a_too_short_quote_is_not_evidence_even_when_it_is_in_the_article(tmp_path: Path) -> None:
    short = ARTICLE[: MIN_EVIDENCE_CHARS - 2]
    result = _extract(tmp_path, [_event(evidence=[short])])
    assert result.events == []


def test_a_date_expression_not_in_the_article_is_not_resolved(tmp_path: Path) -> None:
    result = _extract(tmp_path, [_event(date_text="Saturday")])
    assert result.events[0].date.value is None
    assert any("'Saturday' is not in the article" in w for w in result.diagnostics.warnings)


# ------------------------------------------------------------------ same verdict, any draft

_QUOTES = st.sampled_from([*SENTENCES, NOT_IN_ARTICLE, "Rebels", "killing three soldiers, the army said"])
_CLAIMS = st.builds(
    _claim,
    st.sampled_from([1, 3, 10, 7]),
    st.sampled_from([*SENTENCES, NOT_IN_ARTICLE, '"at least 10 soldiers died"', "killing three soldiers"]),
)
_EVENTS = st.builds(
    _event,
    event_type=st.sampled_from(["Armed clash", "Attack", "Air/drone strike", "Arrests"]),
    actor1=st.sampled_from([None, "Rebels", "the army", "Government forces", "IGNORE"]),
    evidence=st.lists(_QUOTES, min_size=1, max_size=3),
    casualties=st.lists(_CLAIMS, max_size=3),
    date_text=st.sampled_from([None, "Monday", "Tuesday", "Saturday", "last month"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(_EVENTS, min_size=1, max_size=3, unique_by=lambda e: e["event_type"]))
def test_the_validator_and_the_keep_drop_step_give_the_same_verdict(
    tmp_path: Path, events: list[dict[str, Any]]
) -> None:
    result = _extract(tmp_path, events)
    try:
        GroundedDraft.model_validate({"events": events}, context={"article": ARTICLE})
        refused = ""
    except ValidationError as exc:
        refused = str(exc)

    def flagged(path: str) -> bool:
        return f"{path} " in refused

    kept = iter(result.events)
    for i, event in enumerate(events):
        good_evidence = [
            q for j, q in enumerate(event["evidence"]) if not flagged(f"events[{i}].evidence[{j}]")
        ]
        if not good_evidence:  # the validator found no usable evidence: keep/drop must drop the event
            continue
        record = next(kept)
        assert [s.quote for s in record.evidence] == good_evidence
        good_claims = [
            c["count"]
            for j, c in enumerate(event["casualties"])
            if not flagged(f"events[{i}].casualties[{j}].quote")
            and not flagged(f"events[{i}].casualties[{j}].count")
        ]
        assert [c.count for c in record.casualties] == good_claims
        date_ok = event["date_text"] is not None and not flagged(f"events[{i}].date_text")
        assert (record.date.text is not None) == date_ok
        actor_ok = event["actor1"] is not None and not flagged(f"events[{i}].actor1")
        assert (record.actor1 is not None) == actor_ok
    assert next(kept, None) is None, "keep/drop kept an event the validator found no evidence for"
    assert bool(refused) == bool(
        result.diagnostics.dropped or result.diagnostics.warnings or result.diagnostics.claims_dropped
    )
