"""An instructor call's outcome read into a ``Completion``, or into the ``extractor`` error tree.

A validated answer is a ``Completion`` with ``validated`` set (``succeeded``). A call that failed
only validation, every attempt answered, is the last answer with each attempt's validation errors
and ``validated=None`` (``failed``); an empty answer, a truncated one or any API or transport
error is raised as an ``ExtractorError`` (``failures.map_api_error``).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel

from ..errors import LLMOutputError
from ..redact import clipped
from .budget import only_validation_failures
from .completion import Completion, content_of, usage_of
from .failures import map_api_error
from .stats import CallStats

__all__ = ["CALL_ERRORS", "failed", "succeeded"]

#: What an instructor call can raise that ``failed`` turns into a Completion or an ExtractorError.
CALL_ERRORS = (InstructorRetryException, IncompleteOutputException, openai.OpenAIError, httpx.HTTPError)


def succeeded(parsed: BaseModel, raw: Any, stats: CallStats, started: float, key: str) -> Completion:
    """The Completion of a validated answer ``parsed`` (``raw`` the SDK's last response)."""
    return Completion(
        content=content_of(raw),
        validated=parsed,
        attempts=max(stats.answers, 1),
        requests=stats.requests,
        usage=usage_of(getattr(parsed, "_total_usage", None) or getattr(raw, "usage", None)),
        validation_errors=tuple(stats.parse_errors),
        duration_s=time.perf_counter() - started,
        cache_hit=False,
        request_sha256=key,
    )


def failed(
    exc: Exception, stats: CallStats, started: float, key: str, *, base_url: str, ceiling: int
) -> Completion:
    """The last answer with its validation errors when ``exc`` is only validation failures; else
    raise ``exc`` mapped into the error tree (``ceiling`` is EXTRACTOR_MAX_TOKENS)."""
    if only_validation_failures(exc) and isinstance(exc, InstructorRetryException) and exc.failed_attempts:
        if isinstance(exc.__cause__, IncompleteOutputException):
            raise _error(exc, stats, base_url, ceiling) from exc
        errors = tuple(clipped(a.exception, 1000) for a in exc.failed_attempts)
        completion = Completion(
            content=content_of(exc.last_completion),
            validated=None,
            attempts=max(stats.answers, 1),
            requests=stats.requests,
            usage=usage_of(exc.total_usage),
            validation_errors=errors,
            duration_s=time.perf_counter() - started,
            cache_hit=False,
            request_sha256=key,
        )
        if not completion.content.strip():
            raise LLMOutputError(
                f"the LLM returned empty answers after {stats.answers} attempt(s)",
                attempts=stats.requests,
            ) from exc
        return completion  # not cached: a retry asks again
    raise _error(exc, stats, base_url, ceiling) from exc


def _error(exc: Exception, stats: CallStats, base_url: str, ceiling: int) -> Exception:
    return map_api_error(
        exc, base_url=base_url, attempts=stats.requests, max_tokens=stats.max_tokens, ceiling=ceiling
    )
