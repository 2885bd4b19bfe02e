"""The JSONL lines of the OpenAI Batch format, which vLLM's ``run-batch`` reads and writes too.

Request (input) line::

    {"custom_id": "...", "method": "POST", "url": "/v1/chat/completions", "body": {...}}

Output line (OpenAI: output file, and error file for failed requests; vLLM: one file, errors
inline with ``response.status_code`` 400 and ``error`` set)::

    {"id": "...", "custom_id": "...", "response": {"status_code": 200, "request_id": "...",
     "body": {chat completion}} | null, "error": null | {"code": ..., "message": ...} | "text"}
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Any

from ..jsonbounds import loads_untrusted

__all__ = [
    "CHAT_URL",
    "MAX_CUSTOM_ID",
    "OutputLine",
    "custom_id_for",
    "parse_output_line",
    "request_line",
]

CHAT_URL = "/v1/chat/completions"
#: custom_ids are kept short and to safe characters.
MAX_CUSTOM_ID = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def custom_id_for(article_id: str, round_: int = 1) -> str:
    """A safe custom_id naming the article (and the re-ask round after the first)."""
    safe = _UNSAFE.sub("-", article_id).strip("-") or "article"
    suffix = "" if round_ == 1 else f".r{round_}"
    if len(safe) + len(suffix) > MAX_CUSTOM_ID or safe != article_id:
        digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:12]
        safe = f"{safe[: MAX_CUSTOM_ID - len(suffix) - 13]}-{digest}"
    return safe + suffix


def request_line(custom_id: str, body: dict[str, Any]) -> bytes:
    """One input line, newline included."""
    line = {"custom_id": custom_id, "method": "POST", "url": CHAT_URL, "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


@dataclasses.dataclass(frozen=True)
class OutputLine:
    """One engine output line: the answer (a chat completion body), or why there is none."""

    custom_id: str
    body: dict[str, Any] | None
    error: str | None
    request_id: str | None = None


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        nested = error.get("error")
        inner: dict[str, Any] = nested if isinstance(nested, dict) else error
        code, message = inner.get("code") or inner.get("type"), inner.get("message")
        if code and message:
            return f"{code}: {message}"
        return str(code or message or json.dumps(error, ensure_ascii=False))
    return str(error)


def parse_output_line(raw: bytes) -> OutputLine:
    """Read one output line; ``ValueError`` with a reason when it is not one."""
    try:
        record = loads_untrusted(raw)
    except ValueError as exc:
        raise ValueError(f"not valid JSON (a torn or truncated line): {exc}") from None
    if not isinstance(record, dict) or not isinstance(record.get("custom_id"), str):
        raise ValueError("not a batch output line (no custom_id)")
    response = record.get("response")
    response = response if isinstance(response, dict) else {}
    error = record.get("error")
    status, body, request_id = response.get("status_code"), response.get("body"), response.get("request_id")
    if error is not None:
        where = "no response" if status is None else f"status {status}"
        return OutputLine(record["custom_id"], None, f"{where}: {_error_text(error)}", request_id)
    if status != 200 or not isinstance(body, dict):
        detail = _error_text(body) if isinstance(body, dict) else "no response body"
        return OutputLine(record["custom_id"], None, f"status {status}: {detail}", request_id)
    return OutputLine(record["custom_id"], body, None, request_id)
