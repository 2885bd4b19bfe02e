"""Article files: which files a list of paths names (``extractor extract FILE|DIR...``), and
reading one regular file with a bounded read (``read_regular_file``).

* A folder stands for its ``*.txt`` files (not those of its subfolders, not hidden ones), in
  sorted order; each is read with its own metadata (front matter, ``NAME.meta.json``) as if it had
  been named. A folder without any is an ``InputError`` naming it.
* A metadata sidecar given beside its own article (``articles/*`` expands to ``a.txt`` and
  ``a.meta.json``) is not an article: it is left out, with a note, and read with its article.
  A ``.meta.json`` file given without its article is read as an article, as asked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

__all__ = [
    "SIDECAR_SUFFIX",
    "ArticleFiles",
    "RefusedPath",
    "article_files",
    "over_size_limit",
    "read_regular_file",
]

SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class RefusedPath:
    """A path named as input that is refused (a folder without articles, one that cannot be listed)."""

    path: Path
    error: InputError


@dataclass
class ArticleFiles:
    """In the order given: each file to read, or a path refused with its error; the sidecars left out."""

    entries: list[Path | RefusedPath] = field(default_factory=list)
    sidecars_skipped: list[Path] = field(default_factory=list)

    def note(self) -> str | None:
        """One line about the sidecars left out, or None."""
        if not self.sidecars_skipped:
            return None
        first = self.sidecars_skipped[0]
        more = f" and {len(self.sidecars_skipped) - 1} more" if len(self.sidecars_skipped) > 1 else ""
        return (
            f"note: skipped {len(self.sidecars_skipped)} metadata sidecar(s) given as files "
            f"({first}{more}): each is read with its article, not as an article"
        )


def _folder(path: Path) -> list[Path] | InputError:
    """The folder's article files, in sorted order, or the error refusing the folder."""
    try:
        found = sorted(
            (p for p in path.iterdir() if p.suffix == ".txt" and not p.name.startswith(".")),
            key=lambda p: p.name,
        )
    except OSError as exc:
        return InputError(f"{path}: cannot list the folder: {exc.strerror or exc}")
    if not found:
        return InputError(f"{path}: is a folder without any *.txt article file")
    return found


def article_files(paths: Iterable[Path]) -> ArticleFiles:
    """The article files ``paths`` name: folders expanded, the sidecars of named articles left out."""
    expanded: list[Path | RefusedPath] = []
    for path in paths:
        listed = _folder(path) if path.is_dir() else [path]
        expanded.extend(listed if isinstance(listed, list) else [RefusedPath(path, listed)])
    named = [p for p in expanded if isinstance(p, Path) and not p.name.endswith(SIDECAR_SUFFIX)]
    own_sidecars = {p.with_suffix(SIDECAR_SUFFIX) for p in named}
    out = ArticleFiles()
    for entry in expanded:
        if isinstance(entry, Path) and entry.name.endswith(SIDECAR_SUFFIX) and entry in own_sidecars:
            out.sidecars_skipped.append(entry)
        else:
            out.entries.append(entry)
    return out


def over_size_limit(where: str, size: int, limit: int) -> str:
    """The message for ``size`` bytes over a limit of ``limit``."""
    return f"{where}: {size} bytes is over the size limit of {limit} bytes"


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((kind for test, kind in kinds if test(mode)), "not a regular file")


def read_regular_file(path: Path, *, limit: int, where: str, hint: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is an InputError.

    The type and size come from ``stat`` before opening (a FIFO is never opened); the file is
    opened non-blocking, checked again, and read for at most ``limit + 1`` bytes.
    """
    try:
        status = os.stat(path)
        kind = _not_regular(status.st_mode)
        if kind is not None:
            raise InputError(f"{where}: is {kind}, not a regular file")
        if status.st_size > limit:
            raise InputError(f"{over_size_limit(where, status.st_size, limit)}{hint}")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as file:
            kind = _not_regular(os.fstat(file.fileno()).st_mode)  # replaced since the stat
            if kind is not None:
                raise InputError(f"{where}: is {kind}, not a regular file")
            data = file.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        # it grew since the stat, or it is a file whose stat size means nothing (/proc, /sys)
        stopped = f"stopped reading at {len(data)}"
        raise InputError(f"{where}: is over the size limit of {limit} bytes ({stopped}){hint}")
    return data
