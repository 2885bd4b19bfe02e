"""The installed package's version, for ``__version__`` and provenance."""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version

__all__ = ["package_version"]


@functools.cache
def package_version() -> str:
    """The ``extractor`` distribution's version, or ``0+unknown`` from a source tree without install.

    Read once per process: provenance asks for it for every article, and reading the installed
    metadata takes most of a millisecond.
    """
    try:
        return version("extractor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"
