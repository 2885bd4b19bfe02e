"""The service's keys and limits: 401, 413 (body and articles per job), 429 with Retry-After."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractor.service import app as service_app_module
from extractor.settings import ApiKeys, Settings, hash_api_key
from tests.fakes import ARTICLE
from tests.service_fakes import article, running, service_app

PROBLEM = "application/problem+json"


def test_with_keys_a_request_needs_a_valid_one(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path, api_keys=ApiKeys.of("s3cret-key"))

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            body = {"text": ARTICLE}
            return [
                await client.post("/v1/extract", json=body),
                await client.post("/v1/extract", json=body, headers={"Authorization": "Bearer wrong"}),
                await client.get("/v1/prompts", headers={"X-API-Key": "s3cret-ke"}),
                await client.post("/v1/extract", json=body, headers={"Authorization": "Bearer s3cret-key"}),
                await client.get("/v1/prompts", headers={"X-API-Key": "s3cret-key"}),
                await client.get("/healthz"),
            ]

    responses = asyncio.run(go())
    assert [r.status_code for r in responses] == [401, 401, 401, 200, 200, 200]
    assert responses[0].headers["content-type"] == PROBLEM
    assert responses[0].headers["www-authenticate"] == "Bearer"
    assert all("s3cret" not in r.text for r in responses[:3])
    assert len(calls) == 1


def test_keys_are_kept_hashed_and_matched_in_constant_time_helper() -> None:
    settings = Settings.from_env({"EXTRACTOR_API_KEYS": "key-alpha-1, key-beta-2"})
    assert settings.service.api_keys.hashes == (hash_api_key("key-alpha-1"), hash_api_key("key-beta-2"))
    assert "key-alpha" not in str(dataclasses.asdict(settings))  # only the hashes are kept
    assert settings.service.api_keys.hash_for("key-beta-2") == hash_api_key("key-beta-2")
    assert settings.service.api_keys.hash_for("key-gamma-3") is None


def test_a_body_over_the_limit_is_413_whether_declared_or_streamed(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path, max_body_bytes=2000)

    async def chunks() -> Any:
        for _ in range(10):
            yield b" " * 400

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            return [
                await client.post("/v1/extract", json={"text": "x" * 3000}),
                await client.post("/v1/jobs", content=chunks(), headers={"content-type": "application/json"}),
            ]

    responses = asyncio.run(go())
    assert [r.status_code for r in responses] == [413, 413]
    assert all(r.headers["content-type"] == PROBLEM for r in responses)
    assert calls == []


def test_too_many_articles_in_a_job_is_413_and_nothing_is_stored(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path, max_job_articles=3)

    async def go() -> tuple[httpx.Response, httpx.Response]:
        async with running(app) as client:
            refused = await client.post("/v1/jobs", json=[article(i) for i in range(4)])
            return refused, await client.get("/metrics")

    refused, metrics = asyncio.run(go())
    assert refused.status_code == 413 and refused.json()["type"] == "urn:extractor:problem:too-many-articles"
    assert "extractor_queue_depth 0.0" in metrics.text
    assert calls == []


def test_over_the_rate_limit_is_429_with_retry_after(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path, rate_limit_per_minute=2)

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            return [await client.get("/v1/prompts") for _ in range(3)]

    responses = asyncio.run(go())
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].headers["content-type"] == PROBLEM
    assert 1 <= int(responses[2].headers["retry-after"]) <= 60


def test_over_the_per_key_concurrency_is_429(tmp_path: Path) -> None:
    release = asyncio.Event()

    async def held(request: httpx.Request) -> httpx.Response:
        from tests.service_fakes import answering

        await release.wait()
        return answering(request)

    app, _ = service_app(tmp_path, handler=held, key_concurrency=1)

    async def go() -> tuple[httpx.Response, httpx.Response]:
        async with running(app) as client:
            first = asyncio.create_task(client.post("/v1/extract", json={"text": ARTICLE}))
            while not _calls_started(app):
                await asyncio.sleep(0.01)
            second = await client.get("/v1/prompts")
            release.set()
            return await first, second

    first, second = asyncio.run(go())
    assert (first.status_code, second.status_code) == (200, 429)
    assert second.headers["retry-after"] == "1"


def _calls_started(app: Any) -> bool:
    return bool(app.state.service.guard._inflight[""])


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("::1", False), ("0.0.0.0", True)])
def test_a_non_loopback_address_without_keys_warns_loudly(
    host: str, warned: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    settings = Settings(data_dir=tmp_path, base_url="http://llm.test/v1", model="m")
    with caplog.at_level(logging.WARNING, logger="extractor.service"):
        service_app_module.serve(settings, host=host)
    assert ("without API keys" in caplog.text) is warned
    with caplog.at_level(logging.WARNING, logger="extractor.service"):
        caplog.clear()
        service_app_module.serve(settings.replace(api_keys=ApiKeys.of("k")), host=host)
    assert "without API keys" not in caplog.text


def test_with_the_embedded_model_one_worker_takes_articles(tmp_path: Path) -> None:
    from extractor.pipeline import Extractor
    from extractor.service import create_app

    embedded = Settings(data_dir=tmp_path / "a", workers=8)
    assert create_app(embedded, session=Extractor(embedded)).state.service.workers.concurrency == 1
    remote = embedded.replace(base_url="http://llm.test/v1", model="m", data_dir=tmp_path / "b")
    assert create_app(remote, session=Extractor(remote)).state.service.workers.concurrency == 8
