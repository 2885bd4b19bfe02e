"""Registries filled through entry points: how this package and others add strategies, exporters,
endpoint kinds and prompts.

========================  ==============================================  ===========================
group                     an entry point names                            registry
========================  ==============================================  ===========================
``extractor.strategies``  a ``Strategy`` class (``strategies/base.py``)   ``strategies.STRATEGIES``
``extractor.exporters``   an ``Exporter`` class (``export/base.py``)      ``export.EXPORTERS``
``extractor.endpoints``   an ``EndpointProfile`` (``endpoints.py``)       ``endpoints.PROFILES``
``extractor.prompts``     a package holding ``<id>.v<N>.yaml`` files      ``prompts.PROMPT_PACKAGES``
``extractor.cli``         a click command                                 ``extractor.cli``
========================  ==============================================  ===========================

The built-ins register the same way, in this package's ``pyproject.toml``: a third-party package
adds a strategy, exporter or endpoint kind with one module and one entry point, and no edit here.
The entry point's name is the name users type (a prompt's ``strategy:``, ``--format``,
``EXTRACTOR_ENDPOINT_KIND``) and must be the object's ``name``.

A ``Registry`` is a read-only mapping. Its names come from the installed distributions' metadata
(nothing is imported for them); a plug-in is imported on first lookup, checked, and kept. Importing
``extractor`` reads no registry, so a broken plug-in never breaks the import: it is a
``PluginError`` naming the plug-in and its distribution when, and only when, it is looked up. Two
distributions claiming one name is a ``PluginError`` naming both. ``clear()`` forgets what was
read (tests; a package installed while the process runs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, TypeVar, cast

from .errors import PluginError

__all__ = ["Registry", "describe", "name_problem", "protocol_problem"]

T = TypeVar("T")

#: ``check(name, obj)``: ``None`` when ``obj`` may be registered as ``name``, else what is wrong.
Check = Callable[[str, object], str | None]


def describe(point: EntryPoint) -> str:
    """``name = module:attr (distribution dist 1.0)``: which plug-in, and where it comes from."""
    dist = point.dist
    source = f"distribution {dist.name} {dist.version}" if dist is not None else "no distribution"
    return f"{point.name} = {point.value} ({source})"


def protocol_problem(name: str, obj: object, protocol: type[Any], *, label: str) -> str | None:
    """What ``obj`` lacks of ``protocol`` (its annotated attributes and its methods), or a ``name``
    other than the entry point's; ``None`` when it has it all."""
    members = {*getattr(protocol, "__annotations__", {})}
    members |= {n for n, v in vars(protocol).items() if not n.startswith("_") and callable(v)}
    missing = sorted(m for m in members if not hasattr(obj, m))
    if missing:
        return f"is not a {label}: it has no {', '.join(missing)}"
    return name_problem(name, obj)


def name_problem(name: str, obj: object) -> str | None:
    """``None`` when ``obj.name`` is the entry point's ``name``, else what is wrong."""
    own = getattr(obj, "name", None)
    return None if own == name else f"is named {own!r}, not {name!r} as its entry point says"


class Registry(Mapping[str, T], Generic[T]):
    """The plug-ins of one entry-point group, by name; each imported once, on first lookup.

    ``registry[name]`` raises ``KeyError`` for a name no distribution registers (callers turn it
    into their own error naming the known names, ``known()``) and ``PluginError`` for a plug-in
    that cannot be used. An entry point naming a class is instantiated without arguments.
    """

    def __init__(self, group: str, what: str, check: Check) -> None:
        self.group = group
        self.what = what
        self._check = check
        self._lock = threading.RLock()
        self._points: dict[str, list[EntryPoint]] | None = None
        self._loaded: dict[str, T] = {}

    def _index(self) -> dict[str, list[EntryPoint]]:
        with self._lock:
            if self._points is None:
                found: dict[str, list[EntryPoint]] = {}
                for point in entry_points(group=self.group):
                    found.setdefault(point.name, []).append(point)
                self._points = found
            return self._points

    def clear(self) -> None:
        """Forget the names and the plug-ins read so far: the next lookup reads the metadata again."""
        with self._lock:
            self._points = None
            self._loaded.clear()

    def known(self) -> str:
        """The registered names, for error messages."""
        names = ", ".join(self)
        return names or f"none (no {self.group} entry points: is the extractor package installed?)"

    def __getitem__(self, name: str) -> T:
        with self._lock:
            if name in self._loaded:
                return self._loaded[name]
            points = self._index()[name]  # KeyError: nobody registers that name
            if len(points) > 1:
                claims = "; ".join(describe(p) for p in points)
                raise PluginError(
                    f"{len(points)} plug-ins claim the {self.what} {name!r}: {claims}; uninstall all but one"
                )
            loaded = self._load(name, points[0])
            self._loaded[name] = loaded
            return loaded

    def _load(self, name: str, point: EntryPoint) -> T:
        try:
            obj = point.load()
            if isinstance(obj, type):
                obj = obj()
        except Exception as exc:  # whatever a plug-in's import raises, it is named, not a traceback
            raise PluginError(
                f"the {self.what} plug-in {describe(point)} cannot be loaded: {type(exc).__name__}: {exc}"
            ) from exc
        problem = self._check(name, obj)
        if problem is not None:
            raise PluginError(f"the {self.what} plug-in {describe(point)} {problem}")
        return cast(T, obj)

    def __contains__(self, name: object) -> bool:
        return name in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._index()))

    def __len__(self) -> int:
        return len(self._index())

    def __repr__(self) -> str:
        return f"Registry({self.group!r}: {', '.join(self)})"
