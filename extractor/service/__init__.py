"""The HTTP service (``extractor serve``): a thin FastAPI face over the public API and the corpus API.

Needs the ``service`` extra (``pip install 'extractor[service]'``); the library never imports it.
"""

from __future__ import annotations

from .app import create_app, serve

__all__ = ["create_app", "serve"]
