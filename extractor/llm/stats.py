"""Per-call request counting, shared by the transports (which count) and the client (which reads).

A ``contextvars`` variable holds the statistics of the structured call in progress, so
concurrent asyncio calls never count each other's requests.
"""

from __future__ import annotations

import contextvars
import dataclasses
from typing import Any

import httpx

__all__ = ["CallStats", "count_request", "current_stats", "on_parse_error"]


@dataclasses.dataclass
class CallStats:
    """What one structured call has sent so far."""

    requests: int = 0
    answers: int = 0
    parse_errors: list[str] = dataclasses.field(default_factory=list)


current_stats: contextvars.ContextVar[CallStats | None] = contextvars.ContextVar(
    "extractor_call_stats", default=None
)


def count_request(response: httpx.Response | None) -> None:
    """Count one HTTP request (``None``: it raised before any response)."""
    stats = current_stats.get()
    if stats is None:
        return
    stats.requests += 1
    if response is not None and response.status_code < 400:
        stats.answers += 1


def on_parse_error(error: Exception, **_: Any) -> None:
    """instructor's ``parse:error`` hook: keep the validation message for diagnostics."""
    stats = current_stats.get()
    if stats is not None:
        stats.parse_errors.append(" ".join(str(error).split())[:1000])
