"""Request and response bodies of the service (what ``/openapi.json`` shows)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = ["ArticleIn", "EncodableText", "ExtractRequest", "JobPage", "JobStatus", "PromptInfo"]


def _encodable(value: str) -> str:
    """Refuse text that cannot be written as UTF-8: a lone surrogate (JSON allows ``"\\ud800"``)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"contains a lone surrogate (U+{ord(value[exc.start]):04X}) at character {exc.start}, "
            "which is not a character and cannot be stored or sent as UTF-8"
        ) from None
    return value


#: A string that can be encoded as UTF-8 (checked at the edge, before anything is stored or sent).
EncodableText = Annotated[str, AfterValidator(_encodable)]


class ArticleIn(BaseModel):
    """One article of a job. A bare JSON string is accepted too, as the text alone."""

    model_config = ConfigDict(extra="forbid")

    text: EncodableText = Field(description="The article's plain text.")
    published: dt.date | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    title: EncodableText | None = None
    url: EncodableText | None = None
    article_id: EncodableText | None = Field(default=None, description="Default: a hash of the text.")


class ExtractRequest(ArticleIn):
    prompt: EncodableText | None = Field(
        default=None, description="Prompt id or id.vN (default: the service's)."
    )


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
