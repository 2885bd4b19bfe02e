"""The review page ``GET /jobs/{id}/view``: each article's text with every grounded field highlighted,
its events, claims and diagnostics. Server-rendered by jinja2 with autoescaping: everything that
comes from an article (or from the LLM) is escaped; the page has no scripts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from extractor import ArticleResult, Highlighted, highlight_spans

from .problems import ProblemError
from .state import Key, Svc

__all__ = ["router", "spans_of"]

router = APIRouter()
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def spans_of(result: ArticleResult) -> list[tuple[int, int, str, str]]:
    """Every grounded span of a result as ``(start, end, kind, label)``."""
    spans: list[tuple[int, int, str, str]] = []
    for i, event in enumerate(result.events, 1):
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


def _article(position: int, text: str, body: dict[str, Any] | None) -> dict[str, Any]:
    if body is None:
        return {"position": position, "state": "pending", "runs": [Highlighted(text=text, start=0)]}
    if "error" in body:
        runs = [Highlighted(text=text, start=0)]
        return {"position": position, "state": "error", "error": body["error"], "runs": runs}
    result = ArticleResult.model_validate(body)
    runs = highlight_spans(text, spans_of(result))
    return {"position": position, "state": "result", "result": result, "runs": runs}


@router.get("/jobs/{job_id}/view", response_class=HTMLResponse, summary="Review page of a job (HTML)")
async def review(job_id: str, svc: Svc, key: Key) -> HTMLResponse:
    status = await asyncio.to_thread(svc.store.job, job_id, key_hash=key)
    if status is None:
        raise ProblemError(404, "job-not-found", f"no job {job_id}")
    rows = await asyncio.to_thread(svc.store.articles, job_id)
    page = _TEMPLATES.get_template("review.html.j2").render(
        job=status, articles=[_article(position, text, body) for position, text, body in rows]
    )
    return HTMLResponse(page)
