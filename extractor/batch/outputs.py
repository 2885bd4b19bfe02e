"""Reading engine output files: an index of their lines by custom_id, and problems by file and line.

The files are read once to index them (custom_id -> file, line, byte offset); an answer is read
again only when its article's turn comes, so memory does not grow with the answers' size. A line
longer than an answer within the token budget can be (``tokens.answer_byte_limit``) is named as a
problem and skipped without ever being held in memory whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

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
    def build(cls, files: Iterable[Path], known: set[str], *, max_line_bytes: int) -> OutputIndex:
        """Index ``files``; a line over ``max_line_bytes`` is a problem, skipped without being held."""
        index = cls()
        for path in files:
            try:
                stream = path.open("rb")
            except OSError as exc:
                raise BatchError(f"{path}: cannot be read: {exc.strerror or exc}") from None
            with stream:
                offset = 0
                for number, (raw, size) in enumerate(_lines(stream, max_line_bytes), 1):
                    if raw is None:
                        index.problems.append(
                            f"{path}:{number}: a line of {size} bytes, more than an answer within the "
                            f"token budget can take ({max_line_bytes}); not read"
                        )
                    else:
                        index._add(path, number, offset, raw, known)
                    offset += size
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


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[bytes | None, int]]:
    """Each line of ``stream`` and its size; ``None`` for a line over ``limit`` (never held whole)."""
    while raw := stream.readline(limit + 1):
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield (raw if len(raw) <= limit else None), len(raw)
            continue
        size = len(raw)
        while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
            size += len(rest)
        yield None, size + len(rest)


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
