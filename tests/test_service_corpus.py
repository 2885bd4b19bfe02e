"""``GET /v1/events`` keeps the merged corpus and adds only the results stored since the last request."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractor.corpus import IncrementalCorpus
from tests.fakes import PUBLISHED
from tests.service_fakes import article, running, service_app

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    return {"database_url": request.getfixturevalue("postgres_url")}


def _items(ids: range, title: str | None = None) -> list[dict[str, Any]]:
    return [{"text": article(i), "published": PUBLISHED, "article_id": f"a{i}", "title": title} for i in ids]


def test_events_take_in_new_results_without_merging_the_old_ones_again(
    tmp_path: Path, database: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    added: list[str] = []
    original = IncrementalCorpus.add

    def counting(self: IncrementalCorpus, result: Any, *, replace: bool = False) -> None:
        added.append(result.article_id)
        original(self, result, replace=replace)

    monkeypatch.setattr(IncrementalCorpus, "add", counting)
    app, _ = service_app(tmp_path, **database)

    async def run(client: httpx.AsyncClient, items: list[dict[str, Any]]) -> None:
        job = (await client.post("/v1/jobs", json=items)).json()["id"]
        await asyncio.wait_for(client.get(f"/v1/jobs/{job}/results"), 120)

    async def go() -> list[dict[str, Any]]:
        async with running(app) as client:
            pages = []
            await run(client, _items(range(2)))
            pages.append((await client.get("/v1/events")).json())
            pages.append((await client.get("/v1/events")).json())  # nothing new: nothing added
            await run(client, _items(range(2, 4)))
            pages.append((await client.get("/v1/events")).json())
            await run(client, _items(range(1, 2), title="Extracted again"))  # replaces a1's result
            concurrent = await asyncio.gather(*(client.get("/v1/events") for _ in range(3)))
            pages += [r.json() for r in concurrent]
            return pages

    first, again, more, *after_replace = asyncio.run(go())
    mentions = [
        sorted(m["article_id"] for e in page["events"] for m in e["mentions"]) for page in (first, more)
    ]
    assert mentions == [["a0", "a1"], ["a0", "a1", "a2", "a3"]]
    assert again == first
    assert sorted(added[:2]) == ["a0", "a1"] and sorted(added[2:4]) == ["a2", "a3"] and added[4:] == ["a1"]
    assert all(page == after_replace[0] for page in after_replace)  # three concurrent reads, one refresh
    [event] = after_replace[0]["events"]
    titles = {m["article_id"]: m["title"] for m in event["mentions"]}
    assert titles == {"a0": None, "a1": "Extracted again", "a2": None, "a3": None}
