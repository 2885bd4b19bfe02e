"""The review page: every grounded field highlighted in the text, events, claims, diagnostics;
everything from the article escaped."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import httpx

from extractor import highlight_spans
from tests.fakes import ARTICLE
from tests.service_fakes import review_page, running, service_app

HOSTILE = ARTICLE + '\n<script>alert("x")</script> <img src=x onerror=alert(1)> & "quotes"'


def test_highlight_spans_cover_the_text_and_mark_overlaps() -> None:
    runs = highlight_spans("abcdefghij", [(2, 6, "evidence", "e1"), (4, 8, "actor", "e1"), (50, 60, "x", "")])
    assert "".join(r.text for r in runs) == "abcdefghij"
    assert [(r.text, r.kinds) for r in runs] == [
        ("ab", ()),
        ("cd", ("evidence",)),
        ("ef", ("evidence", "actor")),
        ("gh", ("actor",)),
        ("ij", ()),
    ]
    assert runs[2].title == "evidence e1; actor e1"


def _page(tmp_path: Path) -> tuple[str, dict[str, object]]:
    page, [result, _error] = review_page(tmp_path, [{"text": HOSTILE, "title": "<b>T</b>"}, ""])
    return page, result


def test_the_review_page_highlights_every_grounded_field(tmp_path: Path) -> None:
    page, result = _page(tmp_path)
    event = result["events"][0]  # type: ignore[index]
    for kind, quote in [
        ("evidence", " attacked an "),
        ("actor", event["actor1"]["quote"]),
        ("place", event["locations"][0]["place"]["quote"]),
        ("date", event["date"]["text"]["quote"]),
        ("claim", "killing three "),
        ("claimant", event["casualties"][0]["claimed_by"]["quote"]),
    ]:
        words = re.escape(html.escape(quote))
        run = rf'<span class="hl[^"]*\bk-{kind}\b[^"]*" title="[^"]*" data-s="\d+">{words}</span>'
        assert re.search(run, page), (kind, quote)
    assert "Diagnostics" in page and "InputError" in page  # the empty article's typed error


def test_the_review_page_escapes_everything_from_the_article(tmp_path: Path) -> None:
    page, _ = _page(tmp_path)
    assert "<script>" not in page and "<img" not in page and "<b>T</b>" not in page
    assert "&lt;script&gt;alert(" in page
    assert "&lt;b&gt;T&lt;/b&gt;" in page


def test_an_unknown_job_has_no_review_page(tmp_path: Path) -> None:
    app, _ = service_app(tmp_path)

    async def go() -> httpx.Response:
        async with running(app) as client:
            return await client.get("/jobs/nope/view")

    response = asyncio.run(go())
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
