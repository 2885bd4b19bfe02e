"""The OpenAI Files and Batches APIs, through the openai client (the only importer of ``openai``).

Any endpoint that implements ``/files`` and ``/batches`` works (OpenAI, Azure OpenAI, LiteLLM's
proxy in front of vLLM). Transport failures are retried by the project's retry transport; the
SDK's own retries are off. Errors are mapped into the ``extractor`` error tree.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, cast

import httpx
import openai

from ..errors import ConfigurationError
from ..settings import Settings
from .failures import map_api_error
from .transport import RetryTransport

__all__ = ["BatchInfo", "BatchService"]


@dataclasses.dataclass(frozen=True)
class BatchInfo:
    """What the engine says about one batch."""

    id: str
    status: str
    input_file_id: str
    output_file_id: str | None
    error_file_id: str | None
    total: int
    completed: int
    failed: int

    @classmethod
    def of(cls, batch: Any) -> BatchInfo:
        counts = getattr(batch, "request_counts", None)
        return cls(
            id=batch.id,
            status=batch.status,
            input_file_id=batch.input_file_id,
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
            total=int(getattr(counts, "total", 0) or 0),
            completed=int(getattr(counts, "completed", 0) or 0),
            failed=int(getattr(counts, "failed", 0) or 0),
        )


class BatchService:
    """Upload a request file, create a batch, read its status, download its files."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        if settings.llm.base_url is None:
            raise ConfigurationError(
                "the batch APIs need an endpoint: set EXTRACTOR_BASE_URL (e.g. https://api.openai.com/v1)"
            )
        self.base_url = settings.llm.base_url
        http = httpx.Client(
            transport=RetryTransport(
                transport or httpx.HTTPTransport(),
                retries=settings.llm.http_retries,
                initial_s=settings.llm.backoff_initial_s,
                max_s=settings.llm.backoff_max_s,
            ),
            timeout=httpx.Timeout(settings.llm.timeout_s, connect=min(10.0, settings.llm.timeout_s)),
        )
        self._http = http
        self._client = openai.OpenAI(
            base_url=settings.llm.base_url,
            api_key=settings.llm.require_api_key(),
            max_retries=0,
            http_client=cast(Any, http),
        )

    def close(self) -> None:
        self._http.close()

    def _fail(self, exc: Exception) -> Exception:
        return map_api_error(exc, base_url=self.base_url, attempts=1)

    def submit(self, requests: Path, metadata: dict[str, str] | None = None) -> BatchInfo:
        """Upload ``requests`` (purpose ``batch``); create a ``/v1/chat/completions`` batch, 24 h window."""
        try:
            with requests.open("rb") as stream:
                uploaded = self._client.files.create(file=(requests.name, stream), purpose="batch")
            batch = self._client.batches.create(
                input_file_id=uploaded.id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
                metadata=metadata,
            )
        except (openai.OpenAIError, httpx.HTTPError) as exc:
            raise self._fail(exc) from exc
        return BatchInfo.of(batch)

    def status(self, batch_id: str) -> BatchInfo:
        try:
            return BatchInfo.of(self._client.batches.retrieve(batch_id))
        except (openai.OpenAIError, httpx.HTTPError) as exc:
            raise self._fail(exc) from exc

    def download(self, file_id: str, target: Path) -> Path:
        """Write the content of file ``file_id`` to ``target``."""
        try:
            content = self._client.files.content(file_id)
            target.write_bytes(content.read())
        except (openai.OpenAIError, httpx.HTTPError) as exc:
            raise self._fail(exc) from exc
        return target
