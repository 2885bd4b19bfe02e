"""The installed package's version, for ``__version__`` and provenance."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["package_version"]


def package_version() -> str:
    """The ``extractor`` distribution's version, or ``0+unknown`` from a source tree without install."""
    try:
        return version("extractor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"
