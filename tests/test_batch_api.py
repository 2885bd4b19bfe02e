"""submit / status / download through the openai client's Files and Batches APIs, faked with MockTransport.

The requests checked are those of the OpenAI API reference: ``POST /files`` (multipart, ``purpose``
``batch``), ``POST /batches`` (``input_file_id``, ``endpoint`` ``/v1/chat/completions``,
``completion_window`` ``24h``), ``GET /batches/{id}``, ``GET /files/{id}/content``
(https://platform.openai.com/docs/api-reference/batch and .../files).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from extractor.batch import cli as batch_cli
from extractor.cli import main
from extractor.errors import AuthenticationError
from extractor.llm import BatchService
from extractor.settings import Settings

BASE = "https://batch.test/v1"


def _batch(status: str, output: str | None = None, errors: str | None = None) -> dict[str, Any]:
    return {
        "id": "batch_abc",
        "object": "batch",
        "endpoint": "/v1/chat/completions",
        "input_file_id": "file-in",
        "completion_window": "24h",
        "status": status,
        "created_at": 0,
        "output_file_id": output,
        "error_file_id": errors,
        "request_counts": {"total": 3, "completed": 2, "failed": 1},
    }


class FakeBatchAPI:
    """The Files and Batches endpoints; records every request."""

    def __init__(self, status: int = 200) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"error": {"message": "bad key"}})
        path = request.url.path
        if request.method == "POST" and path == "/v1/files":
            file = {"id": "file-in", "object": "file", "bytes": 10, "created_at": 0}
            return httpx.Response(200, json={**file, "filename": "requests.jsonl", "purpose": "batch"})
        if request.method == "POST" and path == "/v1/batches":
            return httpx.Response(200, json=_batch("validating"))
        if request.method == "GET" and path == "/v1/batches/batch_abc":
            return httpx.Response(200, json=_batch("completed", "file-out", "file-err"))
        if request.method == "GET" and path == "/v1/files/file-out/content":
            return httpx.Response(200, content=b'{"custom_id": "a"}\n')
        if request.method == "GET" and path == "/v1/files/file-err/content":
            return httpx.Response(200, content=b'{"custom_id": "b"}\n')
        return httpx.Response(404, json={"error": {"message": f"no route {path}"}})


def _service(api: FakeBatchAPI) -> BatchService:
    settings = Settings(base_url=BASE, api_key="sk-test", model="gpt-4o-mini", http_retries=0)
    return BatchService(settings, transport=httpx.MockTransport(api))


def test_submit_uploads_the_file_for_batch_and_creates_a_24h_chat_batch(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_text('{"custom_id": "a"}\n', encoding="utf-8")
    api = FakeBatchAPI()
    info = _service(api).submit(requests, metadata={"extractor_requests": "requests.jsonl"})
    assert [(r.method, r.url.path) for r in api.requests] == [("POST", "/v1/files"), ("POST", "/v1/batches")]
    upload = api.requests[0]
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert upload.headers["authorization"] == "Bearer sk-test"
    assert b'name="purpose"\r\n\r\nbatch' in upload.content
    assert b'filename="requests.jsonl"' in upload.content and b'{"custom_id": "a"}' in upload.content
    assert json.loads(api.requests[1].content) == {
        "input_file_id": "file-in",
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
        "metadata": {"extractor_requests": "requests.jsonl"},
    }
    assert (info.id, info.status, info.input_file_id) == ("batch_abc", "validating", "file-in")


def test_status_and_download_read_the_batch_and_its_two_files(tmp_path: Path) -> None:
    api = FakeBatchAPI()
    service = _service(api)
    info = service.status("batch_abc")
    assert (info.status, info.output_file_id, info.error_file_id) == ("completed", "file-out", "file-err")
    assert (info.total, info.completed, info.failed) == (3, 2, 1)
    service.download("file-out", tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").read_bytes() == b'{"custom_id": "a"}\n'
    assert [(r.method, r.url.path) for r in api.requests] == [
        ("GET", "/v1/batches/batch_abc"),
        ("GET", "/v1/files/file-out/content"),
    ]


def test_a_refused_key_is_an_authentication_error_without_the_key() -> None:
    with pytest.raises(AuthenticationError, match="OPENAI_API_KEY") as caught:
        _service(FakeBatchAPI(status=401)).status("batch_abc")
    assert "sk-test" not in str(caught.value)


def test_the_download_command_writes_output_and_errors_beside_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeBatchAPI()
    monkeypatch.setattr(
        batch_cli, "BatchService", lambda settings: BatchService(settings, transport=httpx.MockTransport(api))
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    args = ["batch", "download", "batch_abc", "--dir", str(tmp_path), "--base-url", BASE]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "batch_abc.output.jsonl").read_bytes() == b'{"custom_id": "a"}\n'
    assert (tmp_path / "batch_abc.errors.jsonl").read_bytes() == b'{"custom_id": "b"}\n'
    status = CliRunner().invoke(main, ["batch", "status", "batch_abc", "--base-url", BASE])
    assert status.exit_code == 0 and json.loads(status.stdout)["status"] == "completed"


def test_the_submit_command_prints_the_batch_and_needs_an_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeBatchAPI()
    monkeypatch.setattr(
        batch_cli, "BatchService", lambda settings: BatchService(settings, transport=httpx.MockTransport(api))
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.delenv("EXTRACTOR_BASE_URL", raising=False)
    requests = tmp_path / "requests.jsonl"
    requests.write_text('{"custom_id": "a"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", "submit", str(requests), "--base-url", BASE])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "batch_abc"
    assert json.loads(api.requests[1].content)["metadata"] == {"extractor_requests": "requests.jsonl"}
    no_endpoint = CliRunner().invoke(main, ["batch", "submit", str(requests)])
    assert no_endpoint.exit_code == 2 and "EXTRACTOR_BASE_URL" in no_endpoint.output
