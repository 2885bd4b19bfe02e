"""What an exporter is, and the registry of exporters (entry-point group ``extractor.exporters``).

An exporter writes corpus events (``schemas.corpus_v2``) to a file in one format. ``extractor
export --format NAME`` looks ``NAME`` up in ``EXPORTERS``; the built-ins (``acled-csv``,
``jsonl``) register from this package's ``pyproject.toml``, another package adds a format with
one module implementing ``Exporter`` and one entry point naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from schemas.corpus_v2 import CorpusEvent

from ..errors import ConfigurationError
from ..plugins import Registry, protocol_problem

__all__ = ["EXPORTERS", "Exporter", "exporter_for"]


class Exporter(Protocol):
    """The plug-in interface of a corpus export format."""

    #: The name ``--format`` takes (and the entry point's name).
    name: str
    #: The usual file suffix, with its dot (``.csv``).
    suffix: str
    #: The IANA media type of what ``write`` writes (``text/csv``).
    media_type: str
    #: One line for ``--help``.
    description: str

    def write(self, events: Sequence[CorpusEvent], path: Path) -> int:
        """Write ``events`` to ``path`` (creating its folder); the number of events written."""
        ...


def _check(name: str, obj: object) -> str | None:
    return protocol_problem(name, obj, Exporter, label="Exporter (extractor.export.base)")


#: The export formats, by name.
EXPORTERS: Registry[Exporter] = Registry("extractor.exporters", "exporter", _check)


def exporter_for(name: str) -> Exporter:
    """The exporter named ``name``; a ``ConfigurationError`` naming it and the known formats."""
    try:
        return EXPORTERS[name]
    except KeyError:
        raise ConfigurationError(f"unknown export format {name!r}; known: {EXPORTERS.known()}") from None
