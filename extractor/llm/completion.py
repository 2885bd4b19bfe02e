"""What one structured LLM call produced, and how it is read out of the SDK's objects."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from schemas.events_v1 import Usage

__all__ = ["Completion", "content_of", "usage_of"]


@dataclasses.dataclass(frozen=True)
class Completion:
    """What one structured LLM call produced.

    ``validated`` is the response model instance when the last answer passed validation
    (quotes grounded); otherwise ``None`` and ``content`` holds the last raw answer for the
    caller to salvage record by record.
    """

    content: str
    validated: BaseModel | None
    attempts: int
    requests: int
    usage: Usage
    validation_errors: tuple[str, ...]
    duration_s: float
    cache_hit: bool
    request_sha256: str


def usage_of(total: Any) -> Usage:
    if total is None:
        return Usage()
    return Usage(
        prompt_tokens=int(getattr(total, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(total, "completion_tokens", 0) or 0),
        total_tokens=int(getattr(total, "total_tokens", 0) or 0),
    )


def content_of(completion: Any) -> str:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return ""
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments or "")
    return str(message.content or "")
