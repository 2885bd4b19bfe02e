"""Which article files a list of paths names (``extractor extract FILE|DIR...``).

* A folder stands for its ``*.txt`` files (not those of its subfolders, not hidden ones), in
  sorted order; each is read with its own metadata (front matter, ``NAME.meta.json``) as if it had
  been named. A folder without any is an ``InputError`` naming it.
* A metadata sidecar given beside its own article (``articles/*`` expands to ``a.txt`` and
  ``a.meta.json``) is not an article: it is left out, with a note, and read with its article.
  A ``.meta.json`` file given without its article is read as an article, as asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

__all__ = ["SIDECAR_SUFFIX", "ArticleFiles", "article_files"]

SIDECAR_SUFFIX = ".meta.json"


@dataclass
class ArticleFiles:
    """In the order given: each file to read, or a path refused with its error; the sidecars left out."""

    entries: list[Path | tuple[Path, InputError]] = field(default_factory=list)
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
    expanded: list[Path | tuple[Path, InputError]] = []
    for path in paths:
        listed = _folder(path) if path.is_dir() else [path]
        expanded.extend(listed if isinstance(listed, list) else [(path, listed)])
    named = [p for p in expanded if isinstance(p, Path) and not p.name.endswith(SIDECAR_SUFFIX)]
    own_sidecars = {p.with_suffix(SIDECAR_SUFFIX) for p in named}
    out = ArticleFiles()
    for entry in expanded:
        if isinstance(entry, Path) and entry.name.endswith(SIDECAR_SUFFIX) and entry in own_sidecars:
            out.sidecars_skipped.append(entry)
        else:
            out.entries.append(entry)
    return out
