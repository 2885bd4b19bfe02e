"""``GET /v1/events``: the merged corpus of stored results, filters and pagination."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.fakes import PUBLISHED
from tests.service_fakes import article, running, service_app


def _queries(tmp_path: Path, queries: list[str], **changes: Any) -> list[Any]:
    app, _ = service_app(tmp_path, **changes)

    async def go() -> list[Any]:
        async with running(app) as client:
            items = [{"text": article(i), "published": PUBLISHED, "article_id": f"a{i}"} for i in range(3)]
            job = (await client.post("/v1/jobs", json=items)).json()["id"]
            await client.get(f"/v1/jobs/{job}/results")
            answers = []
            first = (await client.get("/v1/events")).json()["events"][0]["event_id"]
            for query in queries:
                answers.append(await client.get(query.format(event_id=first)))
            return answers

    return asyncio.run(go())


def test_events_merge_the_same_event_across_articles_and_filter(tmp_path: Path) -> None:
    everything, mali, france, clash, protest, in_range, before, page, one, missing, bad = _queries(
        tmp_path,
        [
            "/v1/events",
            "/v1/events?country=MLI",
            "/v1/events?country=France",
            "/v1/events?event_type=Armed clash",
            "/v1/events?event_type=Peaceful protest",
            "/v1/events?date_from=2023-03-13&date_to=2023-03-13",
            "/v1/events?date_to=2023-03-01",
            "/v1/events?limit=1&offset=1",
            "/v1/events/{event_id}",
            "/v1/events/nope",
            "/v1/events?date_from=2023-03-14&date_to=2023-03-01",
        ],
    )
    body = everything.json()
    assert body["total"] == 1  # three articles, one event: merged
    event = body["events"][0]
    assert sorted(m["article_id"] for m in event["mentions"]) == ["a0", "a1", "a2"]
    assert event["date"]["value"] == "2023-03-13"  # "Monday" before Wednesday 2023-03-15
    assert [r.json()["total"] for r in (mali, france, clash, protest, in_range, before)] == [1, 0, 1, 0, 1, 0]
    assert page.json()["events"] == [] and page.json()["total"] == 1
    assert one.json()["event_id"] == event["event_id"] and len(one.json()["claims"]) == 6
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert bad.status_code == 422
