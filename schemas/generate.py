"""Write the JSON Schemas of every schema version into ``schemas/json/`` (run: ``make schemas``).

``tests/test_schemas_json.py`` fails when a committed file differs from what this writes.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from schemas import corpus_v1, corpus_v2, events_v1, events_v2, events_v3

JSON_DIR = Path(__file__).parent / "json"

#: file name -> model. ``*.draft`` is what the LLM is asked for; the others are what the library returns.
MODELS: dict[str, type[BaseModel]] = {
    "events_v1.draft.json": events_v1.ExtractionDraft,
    "events_v1.event.json": events_v1.Event,
    "events_v1.article_result.json": events_v1.ArticleResult,
    "events_v2.draft.json": events_v2.ExtractionDraft,
    "events_v2.event.json": events_v2.Event,
    "events_v2.article_result.json": events_v2.ArticleResult,
    "events_v3.event.json": events_v3.Event,
    "events_v3.article_result.json": events_v3.ArticleResult,
    "corpus_v1.corpus_event.json": corpus_v1.CorpusEvent,
    "corpus_v2.corpus_event.json": corpus_v2.CorpusEvent,
}


def render(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    JSON_DIR.mkdir(exist_ok=True)
    for name, model in MODELS.items():
        (JSON_DIR / name).write_text(render(model), encoding="utf-8")
        print(f"wrote {JSON_DIR / name}")


if __name__ == "__main__":
    main()
