"""A service app wired to a fake LLM endpoint (``httpx.MockTransport``), driven through ASGITransport."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from extractor.llm import LLMClient
from extractor.pipeline import Extractor
from extractor.service import create_app
from tests.conftest import fake_settings
from tests.fakes import ARTICLE, completion, grounded_answer


def article(i: int) -> str:
    """Article ``i``: the fake answer's quotes are found in each one."""
    return f"{ARTICLE}\nThe ministry published report number {i}."


def answering(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=completion(grounded_answer()))


async def llm_ready(_base_url: str) -> bool:
    return True


def service_app(
    tmp_path: Path, handler: Any = answering, probe: Any = llm_ready, **changes: Any
) -> tuple[FastAPI, list[httpx.Request]]:
    """The app and the list of requests its LLM received; ``handler`` (sync or async) answers each."""
    calls: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = handler(request)
        return await answer if inspect.isawaitable(answer) else answer  # type: ignore[no-any-return]

    settings = fake_settings(tmp_path, data_dir=tmp_path / "data", **changes)
    client = LLMClient(settings, async_transport=httpx.MockTransport(handle))
    return create_app(settings, session=Extractor(settings, client=client), llm_probe=probe), calls


@contextlib.asynccontextmanager
async def running(app: FastAPI, **headers: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (session, workers) and a client talking to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://service", headers=headers
        ) as client:
            yield client


def ndjson(response: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines()]


def review_page(tmp_path: Path, articles: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    """A job of ``articles`` run to its end through the app: its review page (HTML) and result lines."""
    app, _ = service_app(tmp_path)

    async def go() -> tuple[str, list[dict[str, Any]]]:
        async with running(app) as client:
            job = (await client.post("/v1/jobs", json=articles)).json()["id"]
            lines = ndjson(await client.get(f"/v1/jobs/{job}/results"))
            page = await client.get(f"/jobs/{job}/view")
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
            return page.text, lines

    return asyncio.run(go())
