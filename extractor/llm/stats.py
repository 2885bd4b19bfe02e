"""Per-call request counting, shared by the transports (which count) and the client (which reads).

A ``contextvars`` variable holds the statistics of the structured call in progress, so
concurrent asyncio calls never count each other's requests. It also holds the call's one request
budget: transport retries (``transport.py``) and re-asks (``client.py``) both stop when
``budget_spent()``.
"""

from __future__ import annotations

import contextvars
import dataclasses
from typing import Any

import httpx
from tenacity import RetryCallState
from tenacity.stop import stop_base

from ..redact import clipped

__all__ = ["CallStats", "budget_spent", "count_request", "current_stats", "on_parse_error"]


@dataclasses.dataclass
class CallStats:
    """What one structured call has sent so far."""

    requests: int = 0
    answers: int = 0
    parse_errors: list[str] = dataclasses.field(default_factory=list)
    #: The most HTTP requests this call may make, transport retries and re-asks together.
    budget: int | None = None
    #: The request's ``max_tokens`` (sized from the input), for the truncation message.
    max_tokens: int | None = None

    @property
    def spent(self) -> bool:
        return self.budget is not None and self.requests >= self.budget


current_stats: contextvars.ContextVar[CallStats | None] = contextvars.ContextVar(
    "extractor_call_stats", default=None
)


class _BudgetSpent(stop_base):
    """A tenacity ``stop``: the call in progress has made all the requests it may."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        stats = current_stats.get()
        return stats is not None and stats.spent


budget_spent = _BudgetSpent()


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
        stats.parse_errors.append(clipped(error, 1000))
