"""Installed distributions for the plug-in tests: a folder on ``sys.path`` that importlib.metadata reads.

``DEMO`` is a committed one (``tests/plugin_demo``: a strategy, its prompt, an exporter and an
endpoint kind). ``write_distribution`` writes others into a temporary folder: modules plus a
``*.dist-info`` with ``METADATA`` and ``entry_points.txt``, as pip leaves an installed wheel.
``plugins_on(monkeypatch)`` returns a function that puts such a folder first on ``sys.path`` and
empties every registry, and undoes both (and forgets the plug-ins' modules) at teardown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from extractor.endpoints import PROFILES
from extractor.export import EXPORTERS
from extractor.prompts import PROMPT_PACKAGES
from extractor.strategies import STRATEGIES

DEMO = Path(__file__).parent / "plugin_demo"
REGISTRIES = (STRATEGIES, EXPORTERS, PROFILES, PROMPT_PACKAGES)
#: Top-level module names of the test plug-ins (forgotten after each test).
PLUGIN_MODULES = ("extractor_demo_plugin", "plugin_case")


def write_distribution(
    root: Path, name: str, *, files: Mapping[str, str], entry_points: Mapping[str, Mapping[str, str]]
) -> Path:
    """Distribution ``name`` 1.0 in ``root``: ``files`` (path -> text) and its metadata."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    info = root / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    sections = [
        f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in points.items())
        for group, points in entry_points.items()
    ]
    (info / "entry_points.txt").write_text("\n".join(sections), encoding="utf-8")
    return root


def _forget() -> None:
    for registry in REGISTRIES:
        registry.clear()
    for module in [m for m in sys.modules if m.split(".")[0].startswith(PLUGIN_MODULES)]:
        del sys.modules[module]


def plugins_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """The body of a fixture: ``add(folder)`` installs the distributions in ``folder``."""

    def add(folder: Path) -> None:
        monkeypatch.syspath_prepend(str(folder))  # also invalidates importlib's caches
        _forget()

    yield add
    _forget()
