"""The HTTP service in-process (httpx.AsyncClient over ASGITransport) with a fake LLM endpoint."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes import ARTICLE, PUBLISHED
from tests.service_fakes import answering, article, ndjson, running, service_app

PROBLEM = "application/problem+json"

# the job tests run on SQLite and on a real PostgreSQL server (tests/postgres.py) on loopback
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    """Settings changes that select the job tests' database."""
    if request.param == "sqlite":
        return {}
    return {"database_url": request.getfixturevalue("postgres_url")}


def test_extract_returns_the_article_result(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path)

    async def go() -> httpx.Response:
        async with running(app) as client:
            return await client.post(
                "/v1/extract", json={"text": ARTICLE, "published": PUBLISHED, "title": "T"}
            )

    response = asyncio.run(go())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "T" and body["published"] == PUBLISHED
    event = body["events"][0]
    start, end = event["evidence"][0]["start"], event["evidence"][0]["end"]
    assert ARTICLE[start:end] == event["evidence"][0]["quote"]
    assert len(calls) == 1


def test_bad_input_is_422_problem_without_an_llm_call(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path)

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            return [
                await client.post("/v1/extract", json={"text": ""}),
                await client.post("/v1/extract", json={"text": "a\x00b"}),
                await client.post("/v1/extract", json={"text": "x" * 300_000}),
                await client.post("/v1/extract", json={"text": ARTICLE, "published": "2019-13-45"}),
                await client.post("/v1/extract", json={"text": ARTICLE, "prompt": "nope.v9"}),
            ]

    responses = asyncio.run(go())
    assert [r.status_code for r in responses] == [422] * 5
    assert all(r.headers["content-type"] == PROBLEM for r in responses)
    assert responses[0].json()["type"] == "urn:extractor:problem:input-error"
    assert responses[3].json()["errors"][0]["pointer"] == "/body/published"
    assert calls == []


def test_a_job_streams_one_result_per_article_in_input_order(
    tmp_path: Path, database: dict[str, str]
) -> None:
    app, calls = service_app(tmp_path, workers=3, **database)
    texts = [article(i) for i in range(7)]

    async def go() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        async with running(app) as client:
            items = [{"text": t, "article_id": f"a{i}"} for i, t in enumerate(texts)]
            submitted = await client.post("/v1/jobs", json=items)
            job = submitted.json()["id"]
            results = await client.get(f"/v1/jobs/{job}/results")
            return submitted, results, await client.get(f"/v1/jobs/{job}")

    submitted, results, status = asyncio.run(go())
    assert submitted.status_code == 202
    assert submitted.headers["location"] == f"/v1/jobs/{submitted.json()['id']}"
    assert results.headers["content-type"].startswith("application/x-ndjson")
    assert [line["article_id"] for line in ndjson(results)] == [f"a{i}" for i in range(7)]
    assert all(line["events"] for line in ndjson(results))
    assert status.json()["status"] == "done"
    assert (status.json()["done"], status.json()["pending"], status.json()["failed"]) == (7, 0, 0)
    assert len(calls) == 7


def test_a_job_from_ndjson_with_a_bad_article_gets_a_typed_error_line(
    tmp_path: Path, database: dict[str, str]
) -> None:
    app, _ = service_app(tmp_path, **database)
    body = '"' + article(1).replace("\n", "\\n") + '"\n{"text": ""}\n'

    async def go() -> list[dict[str, object]]:
        async with running(app) as client:
            submitted = await client.post(
                "/v1/jobs", content=body, headers={"content-type": "application/x-ndjson"}
            )
            assert submitted.status_code == 202, submitted.text
            return ndjson(await client.get(f"/v1/jobs/{submitted.json()['id']}/results"))

    lines = asyncio.run(go())
    assert "events" in lines[0]
    assert lines[1]["error"] == {"type": "InputError", "message": lines[1]["error"]["message"]}  # type: ignore[index]


def test_idempotency_key_same_body_same_job_other_body_422(tmp_path: Path, database: dict[str, str]) -> None:
    app, calls = service_app(tmp_path, **database)

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            key = {"Idempotency-Key": "k-1"}
            first = await client.post("/v1/jobs", json=[article(1)], headers=key)
            again = await client.post("/v1/jobs", json=[article(1)], headers=key)
            other = await client.post("/v1/jobs", json=[article(2)], headers=key)
            await client.get(f"/v1/jobs/{first.json()['id']}/results")
            return [first, again, other]

    first, again, other = asyncio.run(go())
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 422 and other.headers["content-type"] == PROBLEM
    assert len(calls) == 1


def test_cancel_keeps_finished_results_and_cancels_the_rest(tmp_path: Path, database: dict[str, str]) -> None:
    held = asyncio.Event()  # never set: every article after the first waits until cancelled

    async def first_only(request: httpx.Request) -> httpx.Response:
        if len(calls) > 1:
            await held.wait()
        return answering(request)

    app, calls = service_app(tmp_path, handler=first_only, workers=2, **database)

    async def go() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=[article(i) for i in range(4)])).json()["id"]
            while (await client.get(f"/v1/jobs/{job}")).json()["done"] < 1:
                await asyncio.sleep(0.02)
            cancelled = (await client.delete(f"/v1/jobs/{job}")).json()
            return cancelled, ndjson(await client.get(f"/v1/jobs/{job}/results"))

    cancelled, lines = asyncio.run(go())
    assert (cancelled["status"], cancelled["done"], cancelled["cancelled"], cancelled["pending"]) == (
        "cancelled",
        1,
        3,
        0,
    )
    assert lines[0]["events"]
    assert [line["error"]["type"] for line in lines[1:]] == ["Cancelled"] * 3


def test_unknown_routes_and_methods_are_problems(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path)

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            return [
                await client.get("/v1/nope"),
                await client.put("/v1/extract"),
                await client.get("/v1/jobs/x"),
            ]

    responses = asyncio.run(go())
    assert [r.status_code for r in responses] == [404, 405, 404]
    assert all(r.headers["content-type"] == PROBLEM for r in responses)
    assert "traceback" not in " ".join(r.text.lower() for r in responses)


def test_health_prompts_and_metrics(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path)

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            await client.post("/v1/extract", json={"text": ARTICLE})
            return [
                await client.get("/healthz"),
                await client.get("/v1/prompts"),
                await client.get("/metrics"),
            ]

    health, prompts, metrics = asyncio.run(go())
    assert health.json() == {"status": "ok"}
    assert "events.v4" in [p["name"] for p in prompts.json()]
    assert 'extractor_http_requests_total{method="POST",route="/v1/extract",status="200"} 1.0' in metrics.text
    assert "extractor_queue_depth 0.0" in metrics.text
    assert 'extractor_articles_total{outcome="result"} 1.0' in metrics.text
    assert "extractor_llm_calls_total 1.0" in metrics.text
    assert 'extractor_llm_tokens_total{kind="prompt"} 100.0' in metrics.text


def test_readyz_checks_the_database_and_the_llm_endpoint(tmp_path: Path) -> None:
    async def unreachable(_base_url: str) -> bool:
        return False

    ready, _ = service_app(tmp_path / "a")
    not_ready, _ = service_app(tmp_path / "b", probe=unreachable)

    async def go() -> list[httpx.Response]:
        async with running(ready) as client, running(not_ready) as other:
            answers = [await client.get("/readyz"), await other.get("/readyz")]
            store = ready.state.service.store
            store.ping = lambda: (_ for _ in ()).throw(OSError("database gone"))
            return [*answers, await client.get("/readyz")]

    answers = asyncio.run(go())
    assert answers[0].json() == {"status": "ready"}
    assert answers[1].status_code == 503
    assert answers[1].json()["type"] == "urn:extractor:problem:llm-unavailable"
    assert answers[2].status_code == 503
    assert answers[2].json()["type"] == "urn:extractor:problem:database-unavailable"
    assert "database gone" not in answers[2].text


def test_readyz_does_not_need_an_llm_the_service_will_not_call(tmp_path: Path) -> None:
    async def unreachable(_base_url: str) -> bool:
        return False

    code_only, _ = service_app(tmp_path, probe=unreachable, adjudicate=False, prompt="events.v5")

    async def go() -> httpx.Response:
        async with running(code_only) as client:
            return await client.get("/readyz")

    assert asyncio.run(go()).json() == {"status": "ready"}
