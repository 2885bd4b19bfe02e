"""Reading engine output files: an index of their lines by custom_id, and problems by file and line.

The files are read once to index them (custom_id -> file, line, byte offset); an answer is read
again only when its article's turn comes, so memory does not grow with the answers' size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from ..errors import BatchError
from .lines import OutputLine, parse_output_line

__all__ = ["Location", "OutputIndex", "read_line_at"]


@dataclasses.dataclass(frozen=True)
class Location:
    file: Path
    line: int
    offset: int


@dataclasses.dataclass
class OutputIndex:
    """Where each custom_id's answer is, and each line that could not be used (``FILE:LINE: why``)."""

    found: dict[str, Location] = dataclasses.field(default_factory=dict)
    problems: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def build(cls, files: Iterable[Path], known: set[str]) -> OutputIndex:
        index = cls()
        for path in files:
            try:
                stream = path.open("rb")
            except OSError as exc:
                raise BatchError(f"{path}: cannot be read: {exc.strerror or exc}") from None
            with stream:
                offset = 0
                for number, raw in enumerate(stream, 1):
                    index._add(path, number, offset, raw, known)
                    offset += len(raw)
        return index

    def _add(self, path: Path, number: int, offset: int, raw: bytes, known: set[str]) -> None:
        if not raw.strip():
            return
        try:
            line = parse_output_line(raw)
        except ValueError as exc:
            self.problems.append(f"{path}:{number}: {exc}")
            return
        where = f"{path}:{number}"
        if line.custom_id not in known:
            self.problems.append(f"{where}: custom_id {line.custom_id!r} is not in the manifest")
        elif line.custom_id in self.found:
            first = self.found[line.custom_id]
            self.problems.append(
                f"{where}: custom_id {line.custom_id!r} repeated (first at {first.file}:{first.line}, "
                "which is the one collected)"
            )
        else:
            self.found[line.custom_id] = Location(path, number, offset)

    @staticmethod
    def read(location: Location) -> OutputLine:
        with location.file.open("rb") as stream:
            stream.seek(location.offset)
            return parse_output_line(stream.readline())


def read_line_at(path: Path, line: int) -> OutputLine:
    """The output line at ``path``:``line`` (1-based)."""
    try:
        with path.open("rb") as stream:
            for number, raw in enumerate(stream, 1):
                if number == line:
                    return parse_output_line(raw)
    except (OSError, ValueError) as exc:
        raise BatchError(f"{path}:{line}: cannot be read: {exc}") from None
    raise BatchError(f"{path}: has no line {line}")
