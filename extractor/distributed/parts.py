"""Part files: each partition's result lines, written whole or not at all.

A part file is written to a temporary file beside it (a name of its own per attempt), flushed,
``fsync``-ed and renamed over its final name (``os.replace``, atomic on POSIX file systems), and
the directory is ``fsync``-ed so that the rename survives a crash. A reader therefore sees either
no part file or a complete one: a worker killed half-way leaves at most a temporary file, which
the retry of its partition ignores, and a partition done twice (a retry racing a worker thought
dead) is the same file written twice, never two files. Its lines are those of
``extractor extract`` (an ``ArticleResult``, or an error line), in input order.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path

__all__ = ["PART_PREFIX", "count_lines", "part_name", "write_atomically"]

PART_PREFIX = "part-"


def part_name(index: int) -> str:
    return f"{PART_PREFIX}{index:05d}.jsonl"


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` afterwards, or (after a crash) what it held before: never a part."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def count_lines(path: Path) -> tuple[int, int]:
    """(result lines, error lines) of a part file."""
    results = errors = 0
    with path.open("rb") as file:
        for line in file:
            if line.strip():
                record = json.loads(line)
                errors += "error" in record
                results += "error" not in record
    return results, errors
