"""The review pages: ``GET /jobs/{id}/view`` (every article of a job) and
``GET /jobs/{id}/articles/{position}/view`` (one article).

Each article's text with every grounded field of its records highlighted, its records with the
analysts' decisions, its diagnostics. For a reviewer or admin the page is an editor: buttons and
keys (``static/review.js``, a small script with no build step) send one action at a time to
``POST /v1/jobs/{id}/articles/{position}/corrections`` with the words selected in the text as
offsets; the server checks them against the article and the page reloads.

Server-rendered by jinja2 with autoescaping: everything that comes from an article (or from the
LLM) is escaped. The pages are served with a Content-Security-Policy that runs no script but
``/static/review.js`` and no style but the page's own (by its hash), so nothing in an article
can run even if it got past the escaping.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from pathlib import Path
from typing import Any, Final, get_args

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from extractor import ArticleResult, Highlighted, highlight_spans
from extractor.review import REJECT_RULES, ArticleReview

from .bodies import job_body
from .problems import ProblemError
from .reviews import ReviewRow, job_articles, load
from .roles import RANK, Caller
from .state import Svc, Who

__all__ = ["CONTENT_SECURITY_POLICY", "router", "spans_of"]

router = APIRouter()
_HERE = Path(__file__).parent
_TEMPLATES = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_CSS: Final = (_HERE / "static" / "review.css").read_text(encoding="utf-8")
_CSS_HASH: Final = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode()
_SCRIPT: Final = _HERE / "static" / "review.js"
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'; "
    f"style-src 'sha256-{_CSS_HASH}'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _event_types() -> list[str]:
    from extractor import Event  # noqa: PLC0415

    return list(get_args(Event.model_fields["event_type"].annotation))


_EVENT_TYPES: Final = _event_types()


def spans_of(result: ArticleResult) -> list[tuple[int, int, str, str]]:
    """Every grounded span of a result as ``(start, end, kind, label)``."""
    return _spans([(i, event) for i, event in enumerate(result.events, 1)], result)


def _spans(events: list[tuple[int, Any]], result: ArticleResult) -> list[tuple[int, int, str, str]]:
    spans: list[tuple[int, int, str, str]] = []
    for i, event in events:
        label = f"event {i}"
        spans += [(s.start, s.end, "evidence", label) for s in event.evidence]
        spans += [(s.start, s.end, "actor", label) for s in (event.actor1, event.actor2) if s]
        for location in event.locations:
            spans += [(s.start, s.end, "place", label) for s in (location.place, location.country) if s]
        if event.date.text:
            spans.append((event.date.text.start, event.date.text.end, "date", label))
        for claim in event.casualties:
            spans.append((claim.quote.start, claim.quote.end, "claim", label))
            spans += [(s.start, s.end, "claimant", label) for s in (claim.claimed_by, claim.victims) if s]
    spans += [(s.start, s.end, "suspicious", "instruction-like") for s in result.diagnostics.suspicious_input]
    return spans


def _reviewed(position: int, row: ReviewRow) -> dict[str, Any]:
    review: ArticleReview = row.review
    kept = [(e.number, e.event) for e in review.events if e.status != "rejected"]
    runs = highlight_spans(row.text, _spans(kept, row.original))
    return {"position": position, "state": "result", "result": row.original, "review": review, "runs": runs}


def _article(
    position: int, text: str, body: dict[str, Any] | None, rows: dict[int, ReviewRow]
) -> dict[str, Any]:
    if position in rows:  # every article with a result
        return _reviewed(position, rows[position])
    runs = [Highlighted(text=text, start=0)]
    if body is None:
        return {"position": position, "state": "pending", "runs": runs}
    return {"position": position, "state": "error", "error": body["error"], "runs": runs}


def _page(job: dict[str, Any], articles: list[dict[str, Any]], who: Caller) -> HTMLResponse:
    page = _TEMPLATES.get_template("review.html.j2").render(
        job=job,
        articles=articles,
        who=who,
        can_edit=RANK[who.role] >= RANK["reviewer"],
        css=_CSS,
        event_types=_EVENT_TYPES,
        reject_rules=REJECT_RULES,
    )
    return HTMLResponse(page, headers=_HEADERS)


async def _job(svc: Svc, job_id: str, who: Caller) -> dict[str, Any]:
    status = await asyncio.to_thread(svc.store.job, job_id, key_hash=who.scope)
    if status is None:
        raise ProblemError(404, "job-not-found", f"no job {job_id}")
    return job_body(status)


@router.get("/jobs/{job_id}/view", response_class=HTMLResponse, summary="Review page of a job (HTML)")
async def review(job_id: str, svc: Svc, who: Who) -> HTMLResponse:
    status = await _job(svc, job_id, who)
    rows = await asyncio.to_thread(svc.store.articles, job_id)
    reviewed = {row.position: row for row in await asyncio.to_thread(job_articles, svc.store, job_id)}
    return _page(status, [_article(row.position, row.text, row.body, reviewed) for row in rows], who)


@router.get(
    "/jobs/{job_id}/articles/{position}/view",
    response_class=HTMLResponse,
    summary="Review page of one article (HTML)",
)
async def review_article(job_id: str, position: int, svc: Svc, who: Who) -> HTMLResponse:
    status = await _job(svc, job_id, who)
    row = await asyncio.to_thread(load, svc.store, job_id, position)
    if row is None:
        raise ProblemError(
            404, "article-not-found", f"job {job_id} has no article result at position {position}"
        )
    return _page(status, [_reviewed(position, row)], who)


@router.get("/static/review.js", include_in_schema=False)
async def script() -> FileResponse:
    return FileResponse(_SCRIPT, media_type="text/javascript", headers={"X-Content-Type-Options": "nosniff"})
