"""The ``/v1`` routes: thin handlers over the library's public API and the store."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import TypeAdapter, ValidationError
from pydantic_core import from_json

from extractor import Article, ArticleResult, ExtractorError, InputError, list_prompts, load_prompt

from .models import ArticleIn, EncodableText, ExtractRequest, JobStatus, PromptInfo
from .problems import PROBLEM_RESPONSES, FieldProblem, ProblemError
from .state import Key, Service, Svc
from .store import IdempotencyConflictError, NewArticle

__all__ = ["router"]

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES)
_ITEMS = TypeAdapter(list[EncodableText | ArticleIn])
_NDJSON = ("application/x-ndjson", "application/jsonl", "application/ndjson")


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


def _parse_items(raw: bytes, content_type: str) -> list[Any]:
    """The body's items, parsed by pydantic-core's JSON parser (jiter), whose limits keep a hostile
    body a 422: nesting deeper than 200 levels, numbers of more than 4,300 digits, invalid UTF-8
    and lone surrogate escapes (``"\\ud800"``) are refused with their line and column. (The size
    is bounded before: ``BodyLimit``.)"""
    try:
        if content_type.split(";", maxsplit=1)[0].strip().lower() in _NDJSON:
            return [from_json(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
        parsed = from_json(raw)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise ProblemError(
            422, "malformed-body", f"the body is not JSON or NDJSON: {exc}", pointer=""
        ) from None
    if not isinstance(parsed, list):
        raise ProblemError(422, "malformed-body", "the body must be a JSON array of articles", pointer="")
    return parsed


def _articles(raw: bytes, content_type: str, limit: int) -> list[NewArticle]:
    items = _parse_items(raw, content_type)
    if len(items) > limit:
        raise ProblemError(413, "too-many-articles", f"{len(items)} articles; at most {limit} per job")
    try:
        parsed = _ITEMS.validate_python(items)
    except ValidationError as exc:
        errors = [
            FieldProblem(pointer="/" + "/".join(str(p) for p in e["loc"][:2]), detail=e["msg"])
            for e in exc.errors()
        ]
        raise ProblemError(422, "validation-error", "some articles are not valid", errors=errors) from None
    out = []
    for index, item in enumerate(parsed):
        a = ArticleIn(text=item) if isinstance(item, str) else item
        try:  # the library's metadata rules (id, title, url), before anything is stored
            Article(
                text=a.text,
                article_id=a.article_id or "unnamed",
                published=a.published,
                title=a.title,
                url=a.url,
            )
        except InputError as exc:
            raise ProblemError(422, "input-error", str(exc), pointer=f"/{index}") from None
        out.append(NewArticle(a.text, a.article_id, a.published, a.title, a.url))
    return out


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
    if prompt is not None:
        load_prompt(prompt)  # an unknown prompt is a PromptError (422) now, not per article later
    articles = _articles(
        await request.body(), request.headers.get("content-type", ""), svc.settings.max_job_articles
    )
    canonical = json.dumps([[a.text, a.article_id, str(a.published), a.title, a.url] for a in articles])
    digest = hashlib.sha256(f"{prompt}\n{canonical}".encode()).hexdigest()
    try:
        job_id, new = await asyncio.to_thread(
            svc.store.create_job,
            articles,
            prompt=prompt,
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
    svc.workers.wake()
    response.headers["Location"] = f"/v1/jobs/{job_id}"
    if not new:
        response.status_code = 200
    return await _status(svc, job_id, key)


async def _status(svc: Service, job_id: str, key: str) -> JobStatus:
    found = await asyncio.to_thread(svc.store.job, job_id, key_hash=key)
    if found is None:
        raise ProblemError(404, "job-not-found", f"no job {job_id}")
    return JobStatus.model_validate(found)


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="A job's status, counts and timings")
async def job_status(job_id: str, svc: Svc, key: Key) -> JobStatus:
    return await _status(svc, job_id, key)


@router.delete(
    "/jobs/{job_id}", response_model=JobStatus, summary="Cancel a job (finished articles keep results)"
)
async def cancel_job(job_id: str, svc: Svc, key: Key) -> JobStatus:
    # the store cancels only a job of this key: another key's job is "not found" and stays as it is
    if not await asyncio.to_thread(svc.store.cancel, job_id, key_hash=key):
        raise ProblemError(404, "job-not-found", f"no job {job_id}")
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
            for _at, _state, body in ready:
                yield json.dumps(body, ensure_ascii=False).encode() + b"\n"
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
        PromptInfo(name=s.name, schema_version=s.schema_version, sha256=s.sha256, description=s.description)
        for s in list_prompts()
    ]
