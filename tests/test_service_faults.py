"""Races, hostile bodies and storage faults: the service answers a problem, never a 500, and loses nothing."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractor import ConfigurationError
from extractor.service.store import IdempotencyConflictError, NewArticle, Store
from extractor.settings import ApiKeys
from tests.service_fakes import answering, article, ndjson, running, service_app

PROBLEM = "application/problem+json"
JSON = {"content-type": "application/json"}
GUARD_S = 120.0  # a hang fails with this test's name instead of stalling the suite

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    return {"database_url": request.getfixturevalue("postgres_url")}


# ---------------------------------------------------------------- idempotency under concurrency
def test_concurrent_posts_with_one_idempotency_key_make_one_job(
    tmp_path: Path, database: dict[str, str]
) -> None:
    app, calls = service_app(tmp_path, key_concurrency=32, **database)

    async def go() -> tuple[list[httpx.Response], httpx.Response]:
        async with running(app) as client:
            key = {"Idempotency-Key": "same-key-8"}
            posts = [client.post("/v1/jobs", json=[article(1)], headers=key) for _ in range(8)]
            answers = list(await asyncio.wait_for(asyncio.gather(*posts), GUARD_S))
            results = client.get(f"/v1/jobs/{answers[0].json()['id']}/results")
            return answers, await asyncio.wait_for(results, GUARD_S)  # a job without items never ends

    answers, results = asyncio.run(go())
    assert [r.status_code for r in answers].count(202) == 1, [r.text for r in answers]
    assert sorted(r.status_code for r in answers) == [200] * 7 + [202]
    assert len({r.json()["id"] for r in answers}) == 1
    assert len(ndjson(results)) == 1 and len(calls) == 1  # one job, one article, one LLM call


def test_concurrent_create_job_in_threads_inserts_once_or_refuses_another_body(
    tmp_path: Path, database: dict[str, str]
) -> None:
    store = Store(database.get("database_url") or f"sqlite:///{tmp_path / 'service.db'}")
    barrier = threading.Barrier(8)
    outcomes: list[object] = []

    def post(i: int) -> None:
        barrier.wait()
        try:
            outcomes.append(
                store.create_job(
                    [NewArticle("text")],
                    prompt=None,
                    body_sha256="b" if i % 4 else "other",
                    idempotency_key="k",
                )
            )
        except IdempotencyConflictError as exc:
            outcomes.append(exc)
        except Exception as exc:  # any other error is the defect under test
            outcomes.append(f"unexpected {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    jobs = [o for o in outcomes if isinstance(o, tuple)]
    conflicts = [o for o in outcomes if isinstance(o, IdempotencyConflictError)]
    assert len(outcomes) == 8 and len({job_id for job_id, _ in jobs}) == 1
    assert sum(new for _, new in jobs) == 1
    # whichever body came first owns the key: the other body's requests are conflicts
    assert len(conflicts) in (2, 6)


def test_an_empty_idempotency_key_is_refused_and_no_job_is_made(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path)

    async def go() -> tuple[list[httpx.Response], httpx.Response]:
        async with running(app) as client:
            refused = [
                await client.post("/v1/jobs", json=[article(1)], headers={"Idempotency-Key": value})
                for value in ("", "   ")
            ]
            return refused, await client.get("/metrics")

    refused, metrics = asyncio.run(go())
    assert [r.status_code for r in refused] == [422, 422]
    assert all(r.headers["content-type"] == PROBLEM for r in refused)
    assert refused[0].json()["errors"][0]["pointer"] == "/headers/idempotency-key"
    assert "extractor_queue_depth 0.0" in metrics.text and calls == []


# ---------------------------------------------------------------- hostile bodies
def test_deeply_nested_or_huge_number_bodies_are_4xx_problems_or_that_lines_error(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path)
    deep = "[" * 50_000 + "]" * 50_000
    ndjson_body = f"{json.dumps(article(1))}\n{deep}\n"

    async def go() -> tuple[list[httpx.Response], list[dict[str, Any]]]:
        async with running(app) as client:
            answers = [
                await client.post("/v1/jobs", content=deep, headers=JSON),
                await client.post("/v1/jobs", content="[" + "9" * 100_000 + "]", headers=JSON),
                await client.post("/v1/extract", content='{"text": ' + deep + "}", headers=JSON),
                await client.post("/v1/extract", content='{"text": ' + "9" * 100_000 + "}", headers=JSON),
            ]
            job = await client.post(
                "/v1/jobs", content=ndjson_body, headers={"content-type": "application/x-ndjson"}
            )
            lines = ndjson(
                await asyncio.wait_for(client.get(f"/v1/jobs/{job.json()['id']}/results"), GUARD_S)
            )
            return [*answers, job], lines

    (deep_job, huge_job, deep_one, huge_one, ndjson_job), lines = asyncio.run(go())
    refused = (deep_job, huge_job, deep_one, huge_one)
    assert all(400 <= r.status_code < 500 for r in refused), [(r.status_code, r.text[:80]) for r in refused]
    assert all(r.headers["content-type"] == PROBLEM for r in refused)
    assert "nested too deeply" in deep_job.json()["detail"] and "4300" in huge_job.json()["detail"]
    # NDJSON: the bad line is that article's error line, the other article runs
    assert ndjson_job.status_code == 202
    assert "events" in lines[0] and lines[1]["error"]["type"] == "InputError"
    assert "line 2" in lines[1]["error"]["message"] and "nested too deeply" in lines[1]["error"]["message"]
    assert len(calls) == 1


def test_a_lone_surrogate_in_text_or_title_is_refused_before_any_call_or_storage(tmp_path: Path) -> None:
    app, calls = service_app(tmp_path)
    # JSON may escape a lone surrogate; Python decodes it to a str that UTF-8 cannot encode
    one = [
        '{"text": "Gunmen attacked a village \\ud800 on Monday."}',
        '{"text": "Gunmen attacked a village on Monday.", "title": "A \\udfff title"}',
    ]
    job = (
        '[{"text": "Gunmen attacked a village \\ud800 on Monday."},'
        ' {"text": "Gunmen attacked a village on Monday.", "title": "\\udc00"},'
        ' "Gunmen attacked a village \\ud83d on Monday.",'
        ' {"text": "Gunmen attacked a village on Monday.", "article_id": "id-\\udc00"}]'
    )

    async def go() -> tuple[list[httpx.Response], httpx.Response, list[dict[str, Any]]]:
        async with running(app) as client:
            answers = [await client.post("/v1/extract", content=body, headers=JSON) for body in one]
            submitted = await client.post("/v1/jobs", content=job, headers=JSON)
            lines = ndjson(
                await asyncio.wait_for(client.get(f"/v1/jobs/{submitted.json()['id']}/results"), GUARD_S)
            )
            return answers, submitted, lines

    answers, submitted, lines = asyncio.run(go())
    assert [r.status_code for r in answers] == [422, 422], [r.text for r in answers]
    assert all(r.headers["content-type"] == PROBLEM for r in answers)
    assert "surrogate" in answers[0].text and answers[1].json()["errors"][0]["pointer"] == "/body/title"
    # in a job each such article is its own error line (stored, never sent)
    assert submitted.status_code == 202
    assert [line["error"]["type"] for line in lines] == ["InputError"] * 4
    assert all("lone surrogate" in line["error"]["message"] for line in lines)
    assert [line["article_id"] for line in lines] == [None] * 4  # an unencodable id is not echoed
    assert calls == []


def test_the_edge_refuses_unencodable_text_whatever_parsed_the_body() -> None:
    from pydantic import ValidationError

    from extractor.service.models import ArticleIn

    with pytest.raises(ValidationError, match="lone surrogate"):
        ArticleIn(text="fighting \ud800 near the river")
    with pytest.raises(ValidationError, match="lone surrogate"):
        ArticleIn(text="fighting near the river", title="\udc00")
    assert ArticleIn(text="fighting near the river \U0001f600").text.endswith("\U0001f600")


# ---------------------------------------------------------------- ownership
def test_delete_of_another_keys_job_is_404_and_cancels_nothing(tmp_path: Path) -> None:
    release = asyncio.Event()

    async def held(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return answering(request)

    owner, intruder = "owner-key-1", "intruder-key-2"
    app, _ = service_app(tmp_path, handler=held, api_keys=ApiKeys.of(owner, intruder))

    async def go() -> tuple[httpx.Response, dict[str, Any], list[dict[str, Any]]]:
        async with running(app) as client:
            mine = {"Authorization": f"Bearer {owner}"}
            job = (await client.post("/v1/jobs", json=[article(1), article(2)], headers=mine)).json()["id"]
            refused = await client.delete(f"/v1/jobs/{job}", headers={"Authorization": f"Bearer {intruder}"})
            after = (await client.get(f"/v1/jobs/{job}", headers=mine)).json()
            release.set()
            return refused, after, ndjson(await client.get(f"/v1/jobs/{job}/results", headers=mine))

    refused, after, lines = asyncio.run(go())
    assert refused.status_code == 404 and refused.headers["content-type"] == PROBLEM
    assert (after["status"], after["cancelled"]) == ("running", 0)
    assert [("events" in line) for line in lines] == [True, True]


# ---------------------------------------------------------------- the database file under the service
@pytest.mark.parametrize("fault", ["deleted", "replaced"])
def test_a_sqlite_file_deleted_or_replaced_while_running_is_not_ready_and_takes_no_job(
    tmp_path: Path, fault: str
) -> None:
    app, _ = service_app(tmp_path)
    db = tmp_path / "data" / "service.db"

    async def go() -> list[httpx.Response]:
        async with running(app) as client:
            before = [await client.get("/readyz"), await client.post("/v1/jobs", json=[article(1)])]
            copy = tmp_path / "copy.db"
            if fault == "replaced":
                shutil.copy(db, copy)
            for path in db.parent.glob("service.db*"):
                path.unlink()
            if fault == "replaced":
                copy.rename(db)
            job = before[1].json()["id"]
            return [
                *before,
                await client.get("/readyz"),
                await client.post("/v1/jobs", json=[article(2)]),
                await client.get(f"/v1/jobs/{job}"),
            ]

    ok, accepted, ready, refused, status = asyncio.run(go())
    assert (ok.status_code, accepted.status_code) == (200, 202)
    assert [r.status_code for r in (ready, refused, status)] == [503, 503, 503]
    assert all(r.headers["content-type"] == PROBLEM for r in (ready, refused, status))
    assert all(r.json()["type"] == "urn:extractor:problem:database-unavailable" for r in (ready, refused))
    assert str(tmp_path) not in refused.text  # the path is for the log, not the caller


def _readonly_url(tmp_path: Path) -> str:
    db = tmp_path / "ro" / "service.db"
    Store(f"sqlite:///{db}").close()  # a valid database, migrated...
    return f"sqlite:///file:{db}?mode=ro&uri=true"  # ...opened read-only


def _unwritable_dir_url(tmp_path: Path) -> str:
    (tmp_path / "not-a-folder").write_text("a file where the data folder should be")
    return f"sqlite:///{tmp_path / 'not-a-folder' / 'service.db'}"


@pytest.mark.parametrize("make_url", [_readonly_url, _unwritable_dir_url], ids=["read-only", "no-folder"])
def test_a_database_that_cannot_be_written_at_startup_is_one_configuration_error(
    tmp_path: Path, make_url: Any
) -> None:
    url = make_url(tmp_path)
    with pytest.raises(ConfigurationError) as raised:
        Store(url)
    message = str(raised.value)
    assert "\n" not in message and "service.db" in message and "EXTRACTOR_DATABASE_URL" in message


@pytest.mark.parametrize("make_url", [_readonly_url, _unwritable_dir_url], ids=["read-only", "no-folder"])
def test_serve_with_an_unwritable_database_prints_one_line_and_exits_non_zero(
    tmp_path: Path, make_url: Any
) -> None:
    env = {
        **os.environ,
        "EXTRACTOR_DATA_DIR": str(tmp_path / "data"),
        "EXTRACTOR_DATABASE_URL": make_url(tmp_path),
        "EXTRACTOR_BASE_URL": "http://127.0.0.1:9/v1",
        "EXTRACTOR_MODEL": "m",
    }
    done = subprocess.run(
        [sys.executable, "-c", "from extractor.cli import main; main()", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "service.db" in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout
