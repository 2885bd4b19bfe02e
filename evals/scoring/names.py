"""Name rules of the scorer: the library's own (``extractor.derive.names``), so merge and scoring agree."""

from __future__ import annotations

from extractor.derive.names import country_key, name_key, names_match

__all__ = ["country_key", "name_key", "names_match"]
