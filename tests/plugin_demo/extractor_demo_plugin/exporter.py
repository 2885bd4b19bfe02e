"""``--format demo-tsv``: one line per corpus event, its id and type, tab-separated."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from schemas.corpus_v2 import CorpusEvent


class TsvExporter:
    name = "demo-tsv"
    suffix = ".tsv"
    media_type = "text/tab-separated-values"
    description = "event id and type, tab-separated"

    def write(self, events: Sequence[CorpusEvent], path: Path) -> int:
        path.write_text("".join(f"{e.event_id}\t{e.event_type}\n" for e in events), encoding="utf-8")
        return len(events)
