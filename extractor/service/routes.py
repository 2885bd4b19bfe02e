"""The ``/v1`` routes: thin handlers over the library's public API and the store.

A job's body is read into its articles in ``job_input.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from extractor import ArticleResult, ExtractorError, list_prompts, load_prompt

from .bodies import job_body, outcome_body
from .job_input import read_articles
from .models import ExtractRequest, JobPage, JobStatus, PromptInfo
from .problems import PROBLEM_RESPONSES, ProblemError
from .rows import JobSummary
from .state import Key, Service, Svc
from .store import IdempotencyConflictError

__all__ = ["router"]

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES)


@router.post("/extract", response_model=ArticleResult, summary="Extract events from one article")
async def extract_one(body: ExtractRequest, svc: Svc, _key: Key) -> ArticleResult:
    try:
        result = await svc.session.aextract(
            body.text,
            published=body.published,
            article_id=body.article_id,
            title=body.title,
            url=body.url,
            prompt=body.prompt,
        )
    except ExtractorError as exc:
        svc.metrics.article(type(exc).__name__)
        raise
    svc.metrics.article(result)
    return result


_JOB_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}}
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobStatus,
    summary="Submit many articles (a JSON array or NDJSON); Idempotency-Key honoured",
    openapi_extra=_JOB_BODY,
)
async def submit_job(
    request: Request,
    response: Response,
    svc: Svc,
    *,
    key: Key,
    prompt: Annotated[str | None, Query(max_length=100)] = None,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> JobStatus:
    if idempotency_key is not None and not idempotency_key.strip():
        raise ProblemError(
            422,
            "validation-error",
            "an empty Idempotency-Key is no key: send a non-empty one, or none",
            pointer="/headers/idempotency-key",
        )
    # the prompt the job runs, named in full (events -> events.v5) and kept with the job, so that
    # its status says it and a later change of the service's default does not change the job;
    # an unknown prompt is a PromptError (422) now, not one per article later
    runs = load_prompt(prompt or svc.settings.extraction.prompt).name
    articles = read_articles(
        await request.body(), request.headers.get("content-type", ""), svc.settings.service.max_job_articles
    )
    canonical = json.dumps(
        [[a.text, a.article_id, str(a.published), a.title, a.url, a.error] for a in articles]
    )
    digest = hashlib.sha256(f"{prompt}\n{canonical}".encode()).hexdigest()
    try:
        job_id, new = await asyncio.to_thread(
            svc.store.create_job,
            articles,
            prompt=runs,
            body_sha256=digest,
            key_hash=key,
            idempotency_key=idempotency_key,
        )
    except IdempotencyConflictError:
        raise ProblemError(
            422,
            "idempotency-key-reused",
            "this Idempotency-Key was used with another body",
            pointer="/headers/idempotency-key",
        ) from None
    for _ in (a for a in articles if a.error is not None and new):
        svc.metrics.article("InputError")  # stored as its error line: counted as a worker's would be
    svc.workers.wake()
    response.headers["Location"] = f"/v1/jobs/{job_id}"
    if not new:
        response.status_code = 200
    return await _status(svc, job_id, key)


def _job_status(svc: Service, found: JobSummary) -> JobStatus:
    # a job stored without its prompt runs the service's default
    prompt = found.prompt or load_prompt(svc.settings.extraction.prompt).name
    return JobStatus.model_validate({**job_body(found), "prompt": prompt})


async def _status(svc: Service, job_id: str, key: str) -> JobStatus:
    found = await asyncio.to_thread(svc.store.job, job_id, key_hash=key)
    if found is None:
        raise ProblemError(404, "job-not-found", f"no job {job_id}")
    return _job_status(svc, found)


@router.get("/jobs", response_model=JobPage, summary="This key's jobs, newest first, paginated")
async def list_jobs(
    svc: Svc,
    key: Key,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> JobPage:
    total, found = await asyncio.to_thread(svc.store.jobs, key_hash=key, offset=offset, limit=limit)
    return JobPage(total=total, offset=offset, limit=limit, jobs=[_job_status(svc, job) for job in found])


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="A job's status, counts and timings")
async def job_status(job_id: str, svc: Svc, key: Key) -> JobStatus:
    return await _status(svc, job_id, key)


@router.delete(
    "/jobs/{job_id}",
    response_model=JobStatus,
    summary="Cancel a job (finished articles keep results); a finished job stays as it is (200)",
)
async def cancel_job(job_id: str, svc: Svc, key: Key) -> JobStatus:
    await _status(svc, job_id, key)  # 404 for a job outside the caller's scope, before anything changes
    # the store too cancels only this scope's job; a no-op once nothing is left to do
    await asyncio.to_thread(svc.store.cancel, job_id, key_hash=key)
    return await _status(svc, job_id, key)


#: Results read from the database per round trip while streaming a job's results.
_STREAM_BATCH = 500


@router.get(
    "/jobs/{job_id}/results",
    summary="NDJSON, in input order: one ArticleResult or one typed error per article",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
)
async def job_results(
    job_id: str,
    svc: Svc,
    key: Key,
    wait: Annotated[bool, Query(description="follow until the job ends")] = True,
) -> StreamingResponse:
    status = await _status(svc, job_id, key)

    async def lines() -> AsyncIterator[bytes]:
        position = 0
        while True:
            stored = svc.workers.progress()
            ready = await asyncio.to_thread(svc.store.outcomes, job_id, position, _STREAM_BATCH)
            for outcome in ready:
                yield json.dumps(outcome_body(outcome), ensure_ascii=False).encode() + b"\n"
                position += 1
            if position >= status.total or not wait:
                return
            if len(ready) == _STREAM_BATCH:  # more may be ready already
                continue
            with contextlib.suppress(TimeoutError):  # asyncio.timeout: a cancellation is never swallowed
                async with asyncio.timeout(svc.poll_s):
                    await stored.wait()

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.get("/prompts", response_model=list[PromptInfo], summary="The released prompt versions")
async def prompts(_key: Key) -> list[PromptInfo]:
    return [
        PromptInfo(name=s.name, schema_version=s.schema_version, sha256=s.sha256, description=s.summary)
        for s in list_prompts()
    ]
