"""Request and response bodies of the service (what ``/openapi.json`` shows)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ArticleIn", "ExtractRequest", "JobPage", "JobStatus", "PromptInfo"]


class ArticleIn(BaseModel):
    """One article of a job. A bare JSON string is accepted too, as the text alone."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The article's plain text.")
    published: dt.date | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    title: str | None = None
    url: str | None = None
    article_id: str | None = Field(default=None, description="Default: a hash of the text.")


class ExtractRequest(ArticleIn):
    prompt: str | None = Field(default=None, description="Prompt id or id.vN (default: the service's).")


class JobStatus(BaseModel):
    id: str
    status: Literal["running", "done", "cancelled"]
    prompt: str = Field(description="The prompt the job runs (id.vN), the service's default resolved.")
    total: int = Field(description="Articles in the job.")
    done: int = Field(description="Articles with a result.")
    failed: int = Field(description="Articles with a typed error.")
    pending: int = Field(description="Articles waiting or being extracted.")
    cancelled: int = Field(description="Articles cancelled before they were done.")
    created_at: dt.datetime
    first_result_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_s: float | None = Field(description="From submission to the last result.")


class JobPage(BaseModel):
    total: int = Field(description="This key's jobs.")
    offset: int
    limit: int
    jobs: list[JobStatus] = Field(description="Newest first.")


class PromptInfo(BaseModel):
    name: str
    schema_version: str
    sha256: str
    description: str
