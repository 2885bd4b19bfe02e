"""The committed JSON Schemas match the models: a model change without `make schemas` fails here."""

from __future__ import annotations

import json

import pytest

from extractor.grounding import GroundedDraft
from schemas.events_v1 import SCHEMA_VERSION, ExtractionDraft
from schemas.generate import JSON_DIR, MODELS, render


@pytest.mark.parametrize("name", sorted(MODELS))
def test_committed_json_schema_matches_the_model(name: str) -> None:
    committed = (JSON_DIR / name).read_text(encoding="utf-8")
    assert committed == render(MODELS[name]), f"schemas/json/{name} is stale: run `make schemas`"


def test_every_committed_schema_file_has_a_model() -> None:
    assert sorted(p.name for p in JSON_DIR.glob("*.json")) == sorted(MODELS)


def test_the_llm_sees_the_draft_schema_with_field_descriptions() -> None:
    schema = GroundedDraft.model_json_schema()
    assert schema == ExtractionDraft.model_json_schema()
    event = schema["$defs"]["EventDraft"]["properties"]
    assert all(prop.get("description") for prop in event.values()), "every draft field is described"


def test_schema_version_names_the_module() -> None:
    assert SCHEMA_VERSION == "events.v1"
    assert json.loads((JSON_DIR / "events_v1.draft.json").read_text())["title"] == "ExtractionDraft"
