"""The re-ask side of the one request budget, and how an instructor failure is classified.

Transport retries (``transport.py``) and instructor re-asks (here) both stop once the call in
progress has made ``1 + http_retries + reasks`` requests (``stats.budget_spent``), so the worst
case per article is that sum, never a product.
"""

from __future__ import annotations

import json

from instructor.core.exceptions import (
    AsyncValidationError,
    IncompleteOutputException,
    InstructorRetryException,
    ResponseParsingError,
)
from pydantic import ValidationError
from tenacity import AsyncRetrying, Retrying, retry_if_exception_type, stop_after_attempt, stop_any

from .stats import budget_spent

__all__ = ["async_reask_policy", "only_validation_failures", "reask_policy"]

#: What instructor re-asks on (an invalid answer); anything else ends the call.
_INVALID_ANSWER = (ValidationError, json.JSONDecodeError, AsyncValidationError, ResponseParsingError)


def reask_policy(reasks: int) -> Retrying:
    """instructor's re-ask loop: ``reasks`` at most, and none once the request budget is spent."""
    return Retrying(
        stop=stop_any(stop_after_attempt(reasks + 1), budget_spent),
        retry=retry_if_exception_type(_INVALID_ANSWER),
        reraise=True,
    )


def async_reask_policy(reasks: int) -> AsyncRetrying:
    """The asyncio twin of ``reask_policy``."""
    return AsyncRetrying(
        stop=stop_any(stop_after_attempt(reasks + 1), budget_spent),
        retry=retry_if_exception_type(_INVALID_ANSWER),
        reraise=True,
    )


def only_validation_failures(exc: Exception) -> bool:
    """Whether every attempt of an instructor call ended in an invalid answer (none in an API error).

    instructor raises ``InstructorRetryException`` both when the re-asks are used up and when a
    re-ask's request fails (401, connection refused...); only the first may be salvaged as "the
    last answer, with its validation errors": the second is the API error it is caused by.
    """
    if not isinstance(exc, InstructorRetryException) or not exc.failed_attempts:
        return False
    if exc.last_completion is None:
        return False
    last = exc.failed_attempts[-1].exception
    return exc.__cause__ is last or isinstance(exc.__cause__, IncompleteOutputException)
