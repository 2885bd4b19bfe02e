"""Exporters of corpus events: ACLED-shaped CSV and JSON Lines, with offline geocoding.

``base`` says what an exporter is (``Exporter``) and holds ``EXPORTERS``, the registry of the
``extractor.exporters`` entry points; ``acled_csv`` builds ACLED's columns in ACLED's order, one
row per corpus event; ``jsonl`` writes the same rows as typed JSON objects; the place columns come
from each location's resolution (``extractor.geo``, offline GeoNames data), and ``geocode``
resolves the words of records that have none. Exporters read corpus events only
(``schemas.corpus_v2``).
"""

from __future__ import annotations

from .acled_csv import (
    ACLED_COLUMNS,
    COLUMN_SOURCES,
    EMPTY_COLUMNS,
    AcledCsvExporter,
    acled_rows,
    write_acled_csv,
)
from .base import EXPORTERS, Exporter, exporter_for
from .geocode import GeoMatch, geocode
from .jsonl import AcledJsonlExporter, write_acled_jsonl

__all__ = [
    "ACLED_COLUMNS",
    "COLUMN_SOURCES",
    "EMPTY_COLUMNS",
    "EXPORTERS",
    "AcledCsvExporter",
    "AcledJsonlExporter",
    "Exporter",
    "GeoMatch",
    "acled_rows",
    "exporter_for",
    "geocode",
    "write_acled_csv",
    "write_acled_jsonl",
]
