"""Foreign exceptions (openai SDK, instructor, httpx) mapped once into the ``extractor`` error tree."""

from __future__ import annotations

import openai
from instructor.core.exceptions import IncompleteOutputException

from ..errors import (
    AuthenticationError,
    EndpointUnreachableError,
    ExtractorError,
    LLMError,
    LLMOutputError,
    LLMTimeoutError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    TruncatedOutputError,
)
from ..redact import clipped, redact_url

__all__ = ["cause_chain", "map_api_error"]


def cause_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it was raised from or during, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _truncated(attempts: int, max_tokens: int | None, ceiling: int | None) -> TruncatedOutputError:
    """A cut-off answer. Cut by the budget sized from a short input, the model looped."""
    if max_tokens is not None and ceiling is not None and max_tokens < ceiling:
        return TruncatedOutputError(
            f"the model looped: it repeated itself until its answer was cut at {max_tokens} tokens, "
            "far more than an answer to this short input needs (the limit is sized from the input). "
            "Retrying, a stronger model, or a different prompt helps; EXTRACTOR_MAX_TOKENS does not",
            attempts=attempts,
        )
    return TruncatedOutputError(
        "the answer was cut off at the token limit (finish_reason=length); "
        "raise EXTRACTOR_MAX_TOKENS or shorten the article",
        attempts=attempts,
    )


def map_api_error(
    exc: BaseException,
    *,
    base_url: str,
    attempts: int,
    max_tokens: int | None = None,
    ceiling: int | None = None,
) -> ExtractorError:
    """Translate an SDK/instructor/transport exception into the ``extractor`` error tree.

    ``max_tokens`` is the request's completion limit and ``ceiling`` EXTRACTOR_MAX_TOKENS: a
    truncated answer under a limit below the ceiling (sized from a short input) is a loop.
    """
    where = redact_url(base_url)
    chain = cause_chain(exc)
    for item in chain:
        if isinstance(item, ExtractorError):  # raised on purpose inside the call (a transport, a hook)
            return item
    for item in chain:
        if isinstance(item, IncompleteOutputException):
            return _truncated(attempts, max_tokens, ceiling)
        if isinstance(item, openai.APITimeoutError):
            return LLMTimeoutError(
                f"the endpoint {where} did not answer in time after {attempts} "
                "request(s); raise EXTRACTOR_TIMEOUT or check the server",
                attempts=attempts,
            )
        if isinstance(item, openai.APIConnectionError) and isinstance(
            item.__cause__, ValueError | RecursionError
        ):
            return _unreadable(where, item.__cause__, attempts)  # an answer came, but not one to read
        if isinstance(item, openai.APIConnectionError):
            return EndpointUnreachableError(
                f"cannot connect to the LLM endpoint {where} after {attempts} request(s): is the server "
                "running? Set EXTRACTOR_BASE_URL (or unset it to use the embedded local model)",
                attempts=attempts,
            )
        if isinstance(item, openai.APIStatusError):
            status = item.status_code
            detail = _short_detail(item)
            if status == 429:
                return RateLimitedError(
                    f"{where} kept answering 429 Too Many Requests after {attempts} "
                    f"request(s); slow down or raise EXTRACTOR_HTTP_RETRIES{detail}",
                    status_code=status,
                    attempts=attempts,
                )
            if status in (401, 403):
                return AuthenticationError(
                    f"{where} refused the credentials ({status}): check OPENAI_API_KEY{detail}",
                    status_code=status,
                    attempts=attempts,
                )
            if status >= 500:
                return ServerError(
                    f"{where} failed with {status} after {attempts} request(s){detail}",
                    status_code=status,
                    attempts=attempts,
                )
            return RequestRejectedError(
                f"{where} rejected the request ({status}){detail}; check "
                "EXTRACTOR_MODEL and EXTRACTOR_ENDPOINT_KIND",
                status_code=status,
                attempts=attempts,
            )
    for item in chain:  # the response itself could not be read: broken or hostile JSON around the answer
        if isinstance(item, ValueError | RecursionError):
            return _unreadable(where, item, attempts)
    return LLMError(f"the LLM call failed: {type(exc).__name__}: {exc}", attempts=attempts)


def _unreadable(where: str, error: BaseException, attempts: int) -> LLMOutputError:
    return LLMOutputError(
        f"the response from {where} could not be read as a chat completion "
        f"({type(error).__name__}: {clipped(error, 160)}); the endpoint is broken",
        attempts=attempts,
    )


def _short_detail(error: openai.APIStatusError) -> str:
    message = getattr(error, "message", "") or ""
    message = clipped(message, 200)
    return f": {message}" if message else ""
