"""RFC 9457 problem details (``application/problem+json``) for every error the service answers.

FastAPI's own 404/405/422 answers, the service's checks (401, 413, 429) and the library's error
tree all become ``{"type", "title", "status", "detail", "errors": [{"pointer", "detail"}]}``.
Nothing else is said: never a stack trace, never the request's content or a secret.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from extractor import (
    ConfigurationError,
    ExtractorError,
    InputError,
    LLMError,
    LLMTimeoutError,
    LocalModelError,
    PromptError,
    RateLimitedError,
)

from .database import DatabaseUnavailableError

__all__ = [
    "PROBLEM_RESPONSES",
    "FieldProblem",
    "Problem",
    "ProblemError",
    "install_problem_handlers",
    "problem_response",
    "problem_type",
]

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


def problem_type(slug: str) -> str:
    """The ``type`` URI of one kind of problem."""
    return f"urn:extractor:problem:{slug}"


class FieldProblem(BaseModel):
    pointer: str = Field(description="JSON pointer (RFC 6901) to the field at fault, from the request root.")
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] | None = Field(default=None, description="The fields at fault.")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": http.HTTPStatus(status).phrase}
    for status in (401, 413, 422, 429)
}


class ProblemError(Exception):
    """Raised by the service to answer with a problem."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str | None = None,
        *,
        pointer: str | None = None,
        errors: Sequence[FieldProblem] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or slug)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.errors = list(errors or ())
        if pointer is not None:
            self.errors.append(FieldProblem(pointer=pointer, detail=detail or slug))
        self.headers = dict(headers or {})


def problem_response(
    status: int,
    slug: str,
    detail: str | None = None,
    *,
    errors: Sequence[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=problem_type(slug),
        title=http.HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        errors=list(errors) if errors else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        headers=dict(headers or {}),
        media_type=MEDIA_TYPE,
    )


#: The library's errors as HTTP: (status, slug), the most specific class first.
_LIBRARY: tuple[tuple[type[ExtractorError], int, str], ...] = (
    (InputError, 422, "input-error"),
    (PromptError, 422, "prompt-error"),
    (RateLimitedError, 503, "llm-rate-limited"),
    (LLMTimeoutError, 504, "llm-timeout"),
    (LLMError, 502, "llm-error"),
    (LocalModelError, 503, "local-model-unavailable"),
    (ConfigurationError, 500, "configuration-error"),
)


def library_problem(exc: ExtractorError) -> tuple[int, str]:
    for kind, status, slug in _LIBRARY:
        if isinstance(exc, kind):
            return status, slug
    return 500, "extractor-error"


def _pointer(location: Sequence[Any]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in location]
    return "/" + "/".join(parts)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def own(_request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.status, exc.slug, exc.detail, errors=exc.errors, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = http.HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-").replace("'", "")
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail == http.HTTPStatus(exc.status_code).phrase:
            detail = None
        return problem_response(exc.status_code, slug, detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldProblem(pointer=_pointer(e.get("loc", ())), detail=str(e.get("msg", "invalid")))
            for e in exc.errors()
        ]
        return problem_response(422, "validation-error", "the request is not valid", errors=errors)

    @app.exception_handler(ExtractorError)
    async def library(_request: Request, exc: ExtractorError) -> JSONResponse:
        status, slug = library_problem(exc)
        if status >= 500:
            log.warning("%s: %s", type(exc).__name__, exc)
        return problem_response(status, slug, str(exc))

    @app.exception_handler(DatabaseUnavailableError)
    @app.exception_handler(OperationalError)
    async def storage(_request: Request, exc: Exception) -> JSONResponse:
        # the reason (a file path, a server address) goes to the log, not to the caller
        log.error("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return problem_response(
            503, "database-unavailable", "the database cannot be used now; see the service log"
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected %s while answering a request", type(exc).__name__, exc_info=exc)
        return problem_response(500, "internal-error", "an unexpected error occurred; see the service log")
