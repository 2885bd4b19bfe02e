"""The review page as an editor, in a real browser: headless Chromium (Debian's package) driven by
Playwright against the service running under uvicorn.

A reviewer opens the job's page, rejects the condemnation with its guideline rule, fixes the
attack's actors by selecting words with the mouse, adds the missed arrests by selecting their
evidence, completes them and marks the article reviewed, with keys and buttons only, signed
in through the sign-in form (the key kept in a cookie). Then the
database rows, ``/v1/events``, the ACLED CSV (``extractor merge`` + ``extractor export`` of the
served results) and the exported gold are checked, and the screenshot shows the decisions.
A missing Chromium fails the test naming ``make chromium``; nothing is downloaded.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import sqlalchemy
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from evals.gold import load_gold
from evals.scoring import score_article
from extractor.cli import main
from schemas.events_v3 import ArticleResult
from tests.chromium import chromium_binary
from tests.fakes import completion
from tests.png import read_png
from tests.review_fakes import (
    ARTICLE_ID,
    KEYS,
    REVIEW,
    TEXT,
    bearer,
    check_reviewed,
    key_settings,
    review_app,
    serving,
    submit,
)
from tests.service_fakes import service_app

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])  # the service, on loopback

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--force-color-profile=srgb",
]
ACCEPTED, REJECTED = (0x2E, 0x8B, 0x57), (0xB2, 0x22, 0x22)  # .s-accepted / .s-rejected borders


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_binary()  # fails naming `make chromium` when missing
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS, timeout=60_000)
        try:
            yield launched
        finally:
            launched.close()


def _select(page: Page, card: int | None, words: str) -> None:
    """Drag the mouse over ``words`` (their first occurrence) in the article's text, as a person would."""
    rects: list[dict[str, float]] = page.evaluate(
        """([words]) => {
            const box = document.querySelector("section.article .text");
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + words.length);
                    return Array.from(range.getClientRects())
                        .map(r => ({x: r.left, y: r.top, w: r.width, h: r.height}));
                }
            }
            return [];
        }""",
        [words],
    )
    assert rects, f"{words!r} is not one run of the page's text"
    first, last = rects[0], rects[-1]
    if card is not None:
        page.click(f"#article-0-event-{card} h3")
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=5)
    page.mouse.up()
    assert page.evaluate("() => window.getSelection().toString()") == words


def _press(page: Page, key: str) -> None:
    """A key for the current event; the page reloads with the server's state."""
    try:
        with page.expect_navigation(timeout=15_000):
            page.keyboard.press(key)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"pressing {key!r} did not reload the page, which says: {page.locator('#notice').inner_text()!r}"
        )
    assert page.locator("#notice").inner_text() == ""


def _sign_in(page: Page, url: str, job_id: str) -> None:
    """As an analyst does: the job's link, the sign-in form with the key, back on the job's page."""
    view = f"/jobs/{job_id}/view"
    assert page.goto(url + view).status == 401  # type: ignore[union-attr]
    page.goto(f"{url}/login?next={view}")
    page.fill("input[name=key]", KEYS["alice"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == url + view
    assert "Signed in as alice (reviewer)" in page.locator("body").inner_text()


def _review_in_the_browser(page: Page, url: str, job_id: str) -> None:
    answer = page.goto(f"{url}/jobs/{job_id}/view")
    assert answer is not None and answer.ok
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    # reject the condemnation, with its rule
    page.click("#article-0-event-2 h3")
    page.select_option("#article-0-event-2 select[data-role=rule]", "2: condemnation")
    with page.expect_navigation():
        page.click("#article-0-event-2 button[data-action=reject]")
    # fix the attack's actors and type by selecting words and pressing keys
    _select(page, 1, "Gunmen")
    _press(page, "1")
    _select(page, 1, "a police station")
    _press(page, "2")
    page.select_option("#article-0-event-1 select[data-role=event_type]", "Attack")
    page.focus("#article-0-event-1")
    _press(page, "t")
    # add the missed arrests from their evidence, then complete them
    page.select_option("section.article > .tools select[data-role=event_type]", "Arrests")
    _select(page, None, "soldiers arrested five protesters in Gao")
    _press(page, "n")
    for words, key in [("Tuesday", "d"), ("soldiers", "1"), ("protesters", "2"), ("Gao", "p")]:
        _select(page, 3, words)
        _press(page, key)
    page.fill("#article-0-event-3 input[data-role=country-0]", "Mali")
    with page.expect_navigation():
        page.click("#article-0-event-3 button[data-action=set-country]")
    # a bad selection is refused with the server's reason, and nothing changes
    page.click("#article-0-event-1 h3")
    page.keyboard.press("f")  # no selection: the page says so
    assert "Select the words" in page.locator("#notice").inner_text()
    page.focus("#article-0-event-1")
    _press(page, "m")
    assert page.locator("h2 .done").inner_text() == "reviewed"


@pytest.fixture(scope="module")
def reviewed(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("editor-browser")
    app = review_app(work)
    context = browser.new_context(viewport={"width": 1200, "height": 1600})
    dialogs: list[str] = []
    try:
        with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
            job_id = submit(client, bearer("admin"))
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            _sign_in(page, url, job_id)
            _review_in_the_browser(page, url, job_id)
            page.screenshot(path=str(work / "editor.png"), full_page=False)
            title = page.title()
            check_reviewed(client, job_id, bearer("reader"), work)
            results = client.get(f"/v1/jobs/{job_id}/results", headers=bearer("reader")).text
            original = client.get(f"/v1/jobs/{job_id}/articles/0/original", headers=bearer("reader")).json()
    finally:
        context.close()
    return {
        "work": work,
        "job_id": job_id,
        "database": app.state.service.store.url,
        "results": results,
        "original": ArticleResult.model_validate(original),
        "dialogs": dialogs,
        "title": title,
    }


def test_the_browser_review_is_stored_as_append_only_rows_by_the_reviewer(reviewed: dict[str, Any]) -> None:
    engine = sqlalchemy.create_engine(reviewed["database"])
    with engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text("SELECT seq, event, field, who FROM corrections ORDER BY seq")
        ).all()
    assert [(r.event, r.field) for r in rows] == [
        (2, "decision"),
        (1, "actor1"),
        (1, "actor2"),
        (1, "event_type"),
        (3, "event"),
        (3, "date"),
        (3, "actor1"),
        (3, "actor2"),
        (3, "locations"),
        (3, "locations"),
        (None, "done"),
    ]
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert {r.who for r in rows} == {"alice"}
    assert len(rows) == len(REVIEW)


def test_the_acled_csv_of_the_served_results_holds_the_corrected_events(
    reviewed: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "results.jsonl").write_text(reviewed["results"], encoding="utf-8")
    runner = CliRunner()
    merged = runner.invoke(
        main, ["merge", str(tmp_path / "results.jsonl"), "-o", str(tmp_path / "corpus.jsonl")]
    )
    assert merged.exit_code == 0, merged.output
    exported = runner.invoke(
        main, ["export", str(tmp_path / "corpus.jsonl"), "-o", str(tmp_path / "events.csv")]
    )
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "events.csv").read_text(encoding="utf-8"))))
    assert sorted((r["sub_event_type"], r["actor1"], r["actor2"], r["event_date"]) for r in rows) == [
        ("Arrests", "soldiers", "protesters", "2023-03-14"),
        ("Attack", "Gunmen", "a police station", "2023-03-13"),
    ]
    assert all("minister" not in r["notes"] for r in rows)
    assert all("reviewed by an analyst" in r["tags"] for r in rows)


def test_the_exported_gold_scores_the_machine_below_one_and_the_review_at_one(
    reviewed: dict[str, Any], tmp_path: Path
) -> None:
    gold_dir, articles_dir = tmp_path / "gold", tmp_path / "articles"
    args = [
        "review",
        "export",
        reviewed["job_id"],
        "--gold-dir",
        str(gold_dir),
        "--articles-dir",
        str(articles_dir),
    ]
    result = CliRunner().invoke(main, [*args, "--database-url", reviewed["database"]])
    assert result.exit_code == 0, result.output
    gold = load_gold(gold_dir / f"{ARTICLE_ID}.json", articles_dir)
    assert [x.rule for x in gold.excluded] == ["2: condemnation"]
    served = ArticleResult.model_validate_json(reviewed["results"])
    assert score_article(reviewed["original"].events, gold, TEXT).figures["event_f1"] < 1.0
    figures = score_article(served.events, gold, TEXT).figures
    assert figures == dict.fromkeys(figures, 1.0)


def test_the_screenshot_shows_the_decisions_and_nothing_from_the_article_ran(
    reviewed: dict[str, Any],
) -> None:
    image = read_png(reviewed["work"] / "editor.png")[:, :, :3]

    def pixels(rgb: tuple[int, int, int]) -> int:
        return int(np.all(image == np.array(rgb, dtype=np.uint8), axis=2).sum())

    # each decision's border is 6 px wide and as tall as its card: hundreds of pixels
    assert pixels(ACCEPTED) > 500, "no accepted record on the screen"
    assert pixels(REJECTED) > 500, "no rejected record on the screen"
    assert reviewed["dialogs"] == []
    assert reviewed["title"].startswith("extractor · job ")


def test_offsets_of_a_selection_after_characters_outside_the_bmp_are_the_articles(
    browser: Browser, tmp_path: Path
) -> None:
    """JavaScript counts UTF-16 units, Python code points: a selection after an emoji still lands."""
    text = "\U0001f4e2\U0001f4e2 Breaking: rebels attacked Kidal on Monday."

    def nothing(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=completion(json.dumps({"events": []})))

    app, _ = service_app(tmp_path, handler=nothing, **key_settings())
    context = browser.new_context(extra_http_headers=bearer("alice"))
    try:
        with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
            body = [{"text": text, "published": "2023-03-15", "article_id": "emoji"}]
            job_id = client.post("/v1/jobs", json=body, headers=bearer("alice")).json()["id"]
            client.get(f"/v1/jobs/{job_id}/results", headers=bearer("alice"))
            page = context.new_page()
            page.goto(f"{url}/jobs/{job_id}/view")
            _select(page, None, "rebels attacked Kidal")
            _press(page, "n")
            review = client.get(f"/v1/jobs/{job_id}/articles/0/review", headers=bearer("alice")).json()
    finally:
        context.close()
    [added] = review["events"]
    [evidence] = added["event"]["evidence"]
    assert evidence["quote"] == "rebels attacked Kidal" == text[evidence["start"] : evidence["end"]]
