"""ACLED-shaped JSON Lines: the rows of ``acled_csv``, one JSON object per corpus event, typed.

The same columns in the same order as the CSV, with numbers as numbers and empty cells as null,
for tools that read JSON Lines (pandas ``read_json(lines=True)``, DuckDB, jq).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from schemas.corpus_v2 import CorpusEvent

from .acled_csv import acled_rows

__all__ = ["AcledJsonlExporter", "write_acled_jsonl"]


def write_acled_jsonl(events: Sequence[CorpusEvent], path: Path) -> int:
    """Write one JSON object per corpus event (an empty corpus writes an empty file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in acled_rows(events):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(events)


class AcledJsonlExporter:
    """``--format jsonl`` (entry point ``extractor.exporters``): ``write_acled_jsonl``."""

    name = "jsonl"
    suffix = ".jsonl"
    media_type = "application/x-ndjson"
    description = "the ACLED-shaped rows as JSON objects, one per line"

    def write(self, events: Sequence[CorpusEvent], path: Path) -> int:
        return write_acled_jsonl(events, path)
