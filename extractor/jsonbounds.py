"""JSON from outside (an LLM's answer, a batch engine's output line), parsed with bounds.

Python's ``json`` module turns an integer of more than 4,300 digits into a ``ValueError`` that
is not a ``JSONDecodeError``, a nesting of a few thousand brackets into a ``RecursionError``, and
``"\\ud800"`` into a lone surrogate that no UTF-8 writer can encode later. Text we did not write
is therefore parsed by pydantic-core's parser (jiter, the one that validates answers), which
refuses all three: numbers of more than 4,300 digits, nesting deeper than 200 levels, and
escapes that are not valid Unicode. Every refusal is a ``ValueError`` with a reason.
"""

from __future__ import annotations

from typing import Any

import pydantic_core

__all__ = ["loads_untrusted"]


def loads_untrusted(data: str | bytes) -> Any:
    """The JSON value of ``data``; ``ValueError`` (with a short reason) for anything else."""
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            where = ord(exc.object[exc.start])
            raise ValueError(f"a character that is not Unicode text (U+{where:04X})") from None
    try:
        return pydantic_core.from_json(data, allow_inf_nan=False)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
