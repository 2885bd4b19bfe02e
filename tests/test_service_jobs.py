"""Jobs through the HTTP service: listing them, their prompt, cancelling a finished one, the corpus
of one job, and an NDJSON body with bad lines (each its own error line, the others run)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractor import load_prompt
from extractor.settings import ApiKeys
from tests.fakes import PUBLISHED
from tests.service_fakes import article, ndjson, running, service_app

PROBLEM = "application/problem+json"

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    return {"database_url": request.getfixturevalue("postgres_url")}


def test_get_jobs_lists_the_callers_jobs_newest_first_in_pages(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path, api_keys=ApiKeys.of("key-a", "key-b"))
    a, b = {"Authorization": "Bearer key-a"}, {"Authorization": "Bearer key-b"}

    async def go() -> tuple[list[str], list[httpx.Response]]:
        async with running(app) as client:
            ids = []
            for i in range(3):
                ids.append((await client.post("/v1/jobs", json=[article(i)], headers=a)).json()["id"])
            await client.post("/v1/jobs", json=[article(9)], headers=b)
            for job in ids:
                await client.get(f"/v1/jobs/{job}/results", headers=a)
            return ids, [
                await client.get("/v1/jobs?limit=2", headers=a),
                await client.get("/v1/jobs?limit=2&offset=2", headers=a),
                await client.get("/v1/jobs", headers=b),
                await client.get("/v1/jobs?limit=0", headers=a),
                await client.get("/v1/jobs"),
            ]

    ids, (first, second, other, bad, anonymous) = asyncio.run(go())
    assert first.status_code == 200, first.text
    assert first.json()["total"] == 3 and (first.json()["offset"], first.json()["limit"]) == (0, 2)
    assert [job["id"] for job in first.json()["jobs"]] == [ids[2], ids[1]]
    assert [job["id"] for job in second.json()["jobs"]] == [ids[0]]
    assert first.json()["jobs"][0]["status"] == "done" and first.json()["jobs"][0]["done"] == 1
    assert other.json()["total"] == 1 and other.json()["jobs"][0]["id"] not in ids  # jobs are per key
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    assert anonymous.status_code == 401


def test_a_jobs_status_names_the_prompt_it_runs_the_default_resolved(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path)  # the service's default prompt: events.v1 (tests/conftest.py)

    async def go() -> list[dict[str, Any]]:
        async with running(app) as client:
            default = (await client.post("/v1/jobs", json=[article(1)])).json()
            latest = (await client.post("/v1/jobs?prompt=events", json=[article(2)])).json()
            await client.get(f"/v1/jobs/{default['id']}/results")
            await client.get(f"/v1/jobs/{latest['id']}/results")
            listed = (await client.get("/v1/jobs")).json()["jobs"]
            again = (await client.get(f"/v1/jobs/{default['id']}")).json()
            return [default, latest, again, *listed]

    default, latest, again, *listed = asyncio.run(go())
    assert default["prompt"] == "events.v1" == again["prompt"]
    assert latest["prompt"] == load_prompt("events").name  # an id alone: its newest version, named
    assert latest["prompt"].startswith("events.v") and latest["prompt"] != "events"
    assert {job["prompt"] for job in listed} == {"events.v1", latest["prompt"]}


def test_deleting_a_finished_job_leaves_it_finished_with_its_results(
    tmp_path: Path, database: dict[str, str]
) -> None:
    app, calls = service_app(tmp_path, **database)

    async def go() -> tuple[dict[str, Any], httpx.Response, dict[str, Any], list[dict[str, Any]]]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=[article(i) for i in range(2)])).json()["id"]
            await client.get(f"/v1/jobs/{job}/results")
            before = (await client.get(f"/v1/jobs/{job}")).json()
            deleted = await client.delete(f"/v1/jobs/{job}")
            after = (await client.get(f"/v1/jobs/{job}")).json()
            return before, deleted, after, ndjson(await client.get(f"/v1/jobs/{job}/results"))

    before, deleted, after, lines = asyncio.run(go())
    assert before["status"] == "done"
    assert deleted.status_code == 200 and deleted.json() == before
    assert after == before
    assert all("events" in line for line in lines) and len(lines) == 2
    assert len(calls) == 2


def test_events_of_one_job_merge_only_that_jobs_results(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path)

    async def go() -> tuple[str, list[httpx.Response]]:
        async with running(app) as client:
            jobs = []
            for name in ("a", "b"):
                items = [
                    {"text": article(i), "published": PUBLISHED, "article_id": f"{name}{i}"} for i in range(2)
                ]
                jobs.append((await client.post("/v1/jobs", json=items)).json()["id"])
                await client.get(f"/v1/jobs/{jobs[-1]}/results")
            return jobs[0], [
                await client.get("/v1/events"),
                await client.get(f"/v1/events?job={jobs[0]}"),
                await client.get("/v1/events?job=0123456789abcdef0123456789abcdef"),
            ]

    _job, (everything, one_job, unknown) = asyncio.run(go())
    mentioned = sorted(m["article_id"] for e in everything.json()["events"] for m in e["mentions"])
    assert mentioned == ["a0", "a1", "b0", "b1"]  # the same event, merged across both jobs
    assert one_job.status_code == 200, one_job.text
    assert sorted(m["article_id"] for e in one_job.json()["events"] for m in e["mentions"]) == ["a0", "a1"]
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM


def test_a_bad_ndjson_line_becomes_that_articles_error_line_and_the_other_lines_run(
    tmp_path: Path, database: dict[str, str]
) -> None:
    app, calls = service_app(tmp_path, **database)
    lines = [
        json.dumps({"text": article(0), "article_id": "good-0"}),
        json.dumps({"text": article(1), "article_id": "feb-30", "published": "2024-02-30"}),
        "",
        json.dumps({"txt": article(2)}),
        "{not json",
        "42",
        json.dumps({"text": article(3), "article_id": "../etc/passwd"}),
        json.dumps(article(4)),
    ]

    async def go() -> tuple[httpx.Response, list[dict[str, Any]], dict[str, Any]]:
        async with running(app) as client:
            submitted = await client.post(
                "/v1/jobs", content="\n".join(lines) + "\n", headers={"content-type": "application/x-ndjson"}
            )
            assert submitted.status_code == 202, submitted.text
            job = submitted.json()["id"]
            results = ndjson(await client.get(f"/v1/jobs/{job}/results"))
            return submitted, results, (await client.get(f"/v1/jobs/{job}")).json()

    submitted, results, status = asyncio.run(go())
    assert submitted.json()["total"] == 7
    assert len(results) == 7  # one line per article, in input order; the blank line is no article
    assert results[0]["article_id"] == "good-0" and results[0]["events"]
    assert "events" in results[6] and results[6]["events"]
    errors = {i: results[i]["error"] for i in range(1, 6)}
    assert all(error["type"] == "InputError" for error in errors.values())
    assert results[1]["article_id"] == "feb-30"
    assert errors[1]["message"].startswith("line 2: field 'published': ")
    assert errors[2]["message"].startswith("line 4: ")
    assert "field 'text': Field required" in errors[2]["message"]
    assert "field 'txt': Extra inputs are not permitted" in errors[2]["message"]
    assert errors[3]["message"].startswith("line 5: not JSON")
    assert errors[4]["message"] == "line 6: expected a text or an object with a text, got int"
    assert errors[5]["message"].startswith("line 7: ") and "is not a safe id" in errors[5]["message"]
    assert results[5]["article_id"] is None  # an unsafe id is not echoed as one
    assert "/str" not in json.dumps(results)  # no pydantic union pointers
    assert (status["status"], status["done"], status["failed"], status["pending"]) == ("done", 2, 5, 0)
    assert len(calls) == 2  # only the good lines were extracted


def test_a_bad_item_of_a_json_array_is_its_error_line_naming_the_item_and_field(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path)

    async def go() -> list[dict[str, Any]]:
        async with running(app) as client:
            items = [{"text": article(0), "title": 5}, article(1)]
            submitted = await client.post("/v1/jobs", json=items)
            assert submitted.status_code == 202, submitted.text
            return ndjson(await client.get(f"/v1/jobs/{submitted.json()['id']}/results"))

    results = asyncio.run(go())
    assert results[0]["error"]["message"] == "item 0: field 'title': Input should be a valid string"
    assert results[1]["events"]
    assert len(calls) == 1


def test_a_job_of_only_bad_lines_is_finished_at_once(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path)

    async def go() -> dict[str, Any]:
        async with running(app) as client:
            submitted = await client.post(
                "/v1/jobs", content="[1]\n", headers={"content-type": "application/x-ndjson"}
            )
            return (await client.get(f"/v1/jobs/{submitted.json()['id']}")).json()

    status = asyncio.run(go())
    assert (status["status"], status["failed"], status["pending"]) == ("done", 1, 0)
    assert status["finished_at"] is not None
    assert calls == []
