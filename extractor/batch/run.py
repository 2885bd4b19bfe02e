"""``batch run``: execute a request file against any OpenAI-compatible endpoint, on this machine.

At most ``concurrency`` requests are in flight; each goes through the project's retry transport
(429, 5xx, timeouts and connection errors retried ``EXTRACTOR_HTTP_RETRIES`` times). The output
is OpenAI's output-line format, one line per request in the request file's order, flushed as
soon as it and every line before it are done::

    {"id": "batch_req_<n>", "custom_id": ..., "response": {"status_code": 200, "request_id": ...,
     "body": {chat completion}}, "error": null}

An HTTP error status is written with its body; a request that got no response at all has
``"response": null`` and ``"error": {"code": <exception type>, "message": ...}``, as in
OpenAI's error file, so ``batch collect`` reads either.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from ..errors import BatchError, LLMOutputError
from ..jsonbounds import loads_untrusted
from ..llm.transport import AsyncRetryTransport
from ..redact import redact
from ..settings import Settings
from .lines import CHAT_URL

__all__ = ["RunReport", "run_requests"]


@dataclasses.dataclass(frozen=True)
class RunReport:
    requests: int
    failed: int
    seconds: float


def _read_requests(path: Path) -> list[dict[str, Any]]:
    requests = []
    try:
        with path.open("rb") as stream:
            for number, raw in enumerate(stream, 1):
                if not raw.strip():
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    raise BatchError(f"{path}:{number}: not valid JSON") from None
                if not isinstance(line, dict) or line.get("url") != CHAT_URL or "custom_id" not in line:
                    raise BatchError(f"{path}:{number}: not a {CHAT_URL} batch request line")
                requests.append(line)
    except OSError as exc:
        raise BatchError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return requests


def _line(number: int, custom_id: str, response: httpx.Response | None, error: Exception | None) -> str:
    output: dict[str, Any] = {"id": f"batch_req_{number}", "custom_id": custom_id}
    if response is None:
        output["response"] = None
        output["error"] = {"code": type(error).__name__, "message": str(error)}
    else:
        try:
            body: Any = loads_untrusted(response.content)
        except ValueError:
            body = {"error": {"message": response.text[:1000]}}
        request_id = response.headers.get("x-request-id") or f"req_{uuid.uuid4().hex}"
        output["response"] = {"status_code": response.status_code, "request_id": request_id, "body": body}
        output["error"] = None
    return redact(json.dumps(output, ensure_ascii=False))  # a server's body may echo the key


async def _run(
    requests: list[dict[str, Any]],
    *,
    out: Any,
    client: httpx.AsyncClient,
    url: str,
    concurrency: int,
    on_done: Callable[[int], None] | None,
) -> int:
    gate = asyncio.Semaphore(concurrency)
    ready: dict[int, str] = {}
    next_line = 0
    failed = 0

    async def one(number: int, request: dict[str, Any]) -> None:
        nonlocal next_line, failed
        response: httpx.Response | None = None
        error: Exception | None = None
        async with gate:
            try:
                response = await client.post(url, json=request["body"])
            except (httpx.HTTPError, LLMOutputError) as exc:  # no answer, or one over its size bound
                error = exc
        if response is None or response.status_code != 200:
            failed += 1
        ready[number] = _line(number + 1, str(request["custom_id"]), response, error)
        while next_line in ready:  # the file keeps the request file's order
            out.write(ready.pop(next_line) + "\n")
            next_line += 1
        out.flush()
        if on_done is not None:
            on_done(number)

    await asyncio.gather(*(one(n, request) for n, request in enumerate(requests)))
    return failed


def run_requests(
    requests_file: Path,
    output: Path,
    settings: Settings,
    *,
    base_url: str,
    concurrency: int = 1,
    transport: httpx.AsyncBaseTransport | None = None,
    on_done: Callable[[int], None] | None = None,
) -> RunReport:
    """Send every request of ``requests_file`` to ``base_url`` and write the output lines to ``output``."""
    if concurrency < 1:
        raise BatchError("concurrency must be at least 1")
    requests = _read_requests(requests_file)
    if output.exists() and output.stat().st_size > 0:
        raise BatchError(f"{output}: already exists and is not empty: remove it or choose another -o")
    url = base_url.rstrip("/") + CHAT_URL.removeprefix("/v1")
    headers = {"Authorization": f"Bearer {settings.llm.require_api_key()}"}

    async def main() -> int:
        retry = AsyncRetryTransport(
            transport or httpx.AsyncHTTPTransport(),
            retries=settings.llm.http_retries,
            initial_s=settings.llm.backoff_initial_s,
            max_s=settings.llm.backoff_max_s,
        )
        timeout = httpx.Timeout(settings.llm.timeout_s, connect=min(10.0, settings.llm.timeout_s))
        async with httpx.AsyncClient(transport=retry, timeout=timeout, headers=headers) as client:
            with output.open("w", encoding="utf-8") as out:
                return await _run(
                    requests, out=out, client=client, url=url, concurrency=concurrency, on_done=on_done
                )

    started = time.perf_counter()
    failed = asyncio.run(main())
    return RunReport(len(requests), failed, time.perf_counter() - started)
