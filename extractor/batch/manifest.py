"""The manifest of a batch: what was asked, of which articles, in which files.

``batch prepare`` writes ``<requests stem>.manifest.json`` beside the request files; ``batch
collect`` reads it back and refuses it when the prompt (its sha256) or the record schema version
it was prepared with is not what this installation would use now: the answers would be read
against another request. It also refuses a manifest that names a custom_id or an article twice.
The endpoint, model, endpoint kind, temperature and adjudication are read from the manifest
(``settings_for``), so collect needs no environment to rebuild the requests it checks.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas.events_v3 import SCHEMA_VERSION

from ..errors import BatchError, ExtractorError, InputError
from ..inputs import Article, load_article, parse_date
from ..prompts import load_prompt
from ..settings import Settings

__all__ = [
    "MANIFEST_FORMAT",
    "Manifest",
    "ManifestArticle",
    "ManifestFile",
    "manifest_path",
    "reload_article",
    "text_sha256",
]

MANIFEST_FORMAT = "extractor-batch-manifest/2"
#: Format 1 did not record the endpoint and the adjudication setting: they come from the settings.
_FORMATS = (MANIFEST_FORMAT, "extractor-batch-manifest/1")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_path(requests: Path) -> Path:
    """``requests.jsonl`` -> ``requests.manifest.json`` (beside it)."""
    return requests.with_name(f"{requests.stem}.manifest.json")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ManifestArticle(_Model):
    """One request line: which article it asks about, and the hash of the live request."""

    custom_id: str
    article_id: str
    source: str = Field(description="The article file, as an absolute path (read again by collect).")
    text_sha256: str = Field(description="sha256 of the article text the request was built from.")
    published: str | None = None
    line: int = Field(description="The request's line in its file (1-based).")
    request_sha256: str = Field(description="The live client's request hash (Provenance.request_sha256).")


class ManifestFile(_Model):
    """One request file and its articles, in input order."""

    path: str = Field(description="The request file's name, relative to the manifest.")
    lines: int
    bytes: int
    articles: list[ManifestArticle] = Field(default_factory=list)


class Manifest(_Model):
    format: str = MANIFEST_FORMAT
    prompt: str = Field(description="The prompt's name, id.vN.")
    prompt_sha256: str
    schema_version: str = SCHEMA_VERSION
    draft_schema_version: str
    strategy: str
    model: str
    endpoint: str | None = Field(
        default=None,
        description="The endpoint the requests were prepared for, without credentials (null: none "
        "given); part of each request's hash, so collect reads the answers as this endpoint's.",
    )
    endpoint_kind: str
    adjudicate: bool | None = Field(
        default=None, description="Whether the candidates strategy asked the LLM to adjudicate."
    )
    temperature: float
    round: int = Field(default=1, description="1: first requests; 2 and up: re-asks (--retry-from).")
    package_version: str
    files: list[ManifestFile] = Field(default_factory=list)
    refused: dict[str, str] = Field(default_factory=dict, description="Input files refused: file -> why.")

    def articles(self) -> list[tuple[ManifestFile, ManifestArticle]]:
        return [(file, article) for file in self.files for article in file.articles]

    def write(self, path: Path) -> None:
        path.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest in ``path``, checked: a known format, each custom_id and article once."""
        try:
            manifest = cls.model_validate_json(path.read_bytes())
        except OSError as exc:
            raise BatchError(f"{path}: cannot be read: {exc.strerror or exc}") from None
        except ValidationError as exc:
            raise BatchError(
                f"{path}: not a manifest written by `extractor batch prepare` "
                f"({exc.error_count()} problem(s), first: {exc.errors()[0]['msg']})"
            ) from None
        if manifest.format not in _FORMATS:
            raise BatchError(f"{path}: manifest format {manifest.format!r} is not one this version reads")
        manifest.check_unique(path)
        return manifest

    def check_unique(self, path: Path) -> None:
        """Refuse a manifest naming one custom_id (or one article) twice: an answer would be read
        for the wrong article."""
        seen: dict[tuple[str, str], str] = {}
        for file, article in self.articles():
            here = f"{file.path} line {article.line}"
            for field, value in (("custom_id", article.custom_id), ("article_id", article.article_id)):
                first = seen.setdefault((field, value), here)
                if first != here:
                    raise BatchError(
                        f"{path}: {field} {value!r} appears twice ({first}, {here}): one answer would "
                        "be read for two articles; prepare the batch again"
                    )

    def settings_for(
        self, settings: Settings, *, base_url: str | None = None, model: str | None = None
    ) -> Settings:
        """``settings`` as the requests were prepared: prompt, model, endpoint, endpoint kind,
        temperature and adjudication from this manifest (not from the environment); ``base_url``
        and ``model`` override them (for a manifest of format 1, which has no endpoint, the
        settings' endpoint is used)."""
        legacy = self.format != MANIFEST_FORMAT
        endpoint = base_url or (settings.llm.base_url if legacy else self.endpoint)
        llm = dataclasses.replace(
            settings.llm,
            model=model or self.model,
            base_url=endpoint,
            endpoint_kind=self.endpoint_kind,
            temperature=self.temperature,
        )
        extraction = dataclasses.replace(
            settings.extraction,
            prompt=self.prompt,
            adjudicate=settings.extraction.adjudicate if self.adjudicate is None else self.adjudicate,
        )
        return dataclasses.replace(settings, llm=llm, extraction=extraction)

    def check_current(self, path: Path) -> None:
        """Refuse a manifest prepared with another prompt text or another record schema."""
        spec = load_prompt(self.prompt)
        if spec.sha256 != self.prompt_sha256:
            raise BatchError(
                f"{path}: prepared with prompt {self.prompt} sha256 {self.prompt_sha256[:12]}, but this "
                f"installation's {spec.name} has sha256 {spec.sha256[:12]}: the answers were asked with "
                "another prompt text; collect them with the extractor version that prepared them, "
                "or prepare the batch again"
            )
        if self.schema_version != SCHEMA_VERSION:
            raise BatchError(
                f"{path}: prepared for record schema {self.schema_version}, but this installation "
                f"writes {SCHEMA_VERSION}; prepare the batch again"
            )
        if spec.schema_version != self.draft_schema_version:
            raise BatchError(
                f"{path}: prepared for draft schema {self.draft_schema_version}, but {spec.name} "
                f"now targets {spec.schema_version}; prepare the batch again"
            )


def reload_article(entry: ManifestArticle, *, max_chars: int) -> Article:
    """The article a request was built from, read again; refused when its text has changed."""
    try:
        published = parse_date(entry.published, where=entry.source)
        article = load_article(Path(entry.source), max_chars=max_chars, published=published)
    except ExtractorError as exc:
        raise InputError(f"{entry.source}: cannot be read again to ground the answer: {exc}") from None
    if text_sha256(article.text) != entry.text_sha256 or article.article_id != entry.article_id:
        raise InputError(
            f"{entry.source}: changed since the batch was prepared (text or article id); "
            "its answer cannot be grounded in the new text: prepare it again"
        )
    return article
