"""Recorded LLM responses (vcrpy cassettes): one definition shared by the eval runner and the tests.

Requests match on method, path and the JSON body, so a changed prompt, schema, model or
parameter never replays a stale answer; host and port are ignored (the embedded server's
port changes between runs). Credentials and account headers are removed before anything is
written: request headers by ``filter_headers``, response headers by ``scrub_response``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from extractor.errors import ExtractorError, RecordingMissingError

MATCH_ON = ("method", "path", "json_body")
FILTER_HEADERS = (
    "authorization",
    "api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "x-stainless-arch",
    "x-stainless-os",
    "x-stainless-runtime-version",
    "x-stainless-package-version",
    "user-agent",
)
SCRUBBED_RESPONSE_HEADERS = frozenset(
    {"set-cookie", "openai-organization", "openai-project", "x-request-id", "authorization", "cf-ray"}
)
#: Placeholder endpoint for replay: never contacted, because host and port are not matched.
REPLAY_BASE_URL = "http://127.0.0.1:9/v1"


def _load_body(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    try:
        return json.loads(body) if body else None
    except (TypeError, ValueError):
        return body


def json_body_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: bodies equal as JSON values (key order aside)."""
    if _load_body(r1.body) != _load_body(r2.body):
        raise AssertionError("request bodies differ (prompt, schema, model or parameters changed)")


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SCRUBBED_RESPONSE_HEADERS:
            del headers[name]
    return response


def vcr_options() -> dict[str, Any]:
    """Options for ``vcr.VCR(...)`` / pytest-recording's ``vcr_config`` (without record_mode)."""
    return {
        "match_on": list(MATCH_ON),
        "filter_headers": list(FILTER_HEADERS),
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
    }


def make_vcr(record_mode: str) -> vcr.VCR:
    """A VCR instance for the eval runner: ``none`` replays only, ``all`` re-records."""
    instance = vcr.VCR(record_mode=record_mode, **vcr_options())
    instance.register_matcher("json_body", json_body_matcher)
    return instance


@contextlib.contextmanager
def missing_recording() -> Iterator[None]:
    """Turn "no recorded answer for this request" into ``RecordingMissingError``.

    vcrpy refuses an unrecorded request inside the HTTP client; the library reports that as an
    unreachable endpoint (it knows nothing of recordings). Inside this block, an
    ``ExtractorError`` caused by vcrpy's refusal becomes ``RecordingMissingError``, which says
    how to re-record.
    """
    try:
        yield
    except ExtractorError as exc:
        refusal = next(
            (e for e in _chain(exc) if isinstance(e, CannotOverwriteExistingCassetteException)), None
        )
        if refusal is None:
            raise
        raise RecordingMissingError(
            f"no recorded response matches this request ({refusal}). The prompt, schema, model or "
            "article changed since recording: re-record with 'make record' (needs the local model)"
        ) from exc


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
