"""A corpus run's plan: its partitions, and the manifest that ties an output directory to one run.

The articles of the inputs, in order, are cut into partitions of ``partition_size``; partition
``i`` is written to ``part-{i:05d}.jsonl``. Before anything is extracted, ``open_run`` writes
``manifest.json`` in the output directory:

* the settings that decide what a result says, and their sha256 (``settings_sha256``): the
  response cache's own key parts (``pipeline.cache_key_parts``: the prompt's sha256, strategy,
  schema version, adjudication) plus the input and output limits, the ``--published`` override
  and, when the prompt asks an LLM, the model, endpoint kind, endpoint URL (without credentials),
  temperature, token limit and seed; hashed like a cache key (``llm.request_key``);
* the prompt and its sha256, the record schema version, the package version;
* every partition's name and article ids (``null`` for an article that could not be read), and
  their sha256 (``plan_sha256``).

A second run in the same directory continues the first: a partition whose file exists is done
and skipped. A run whose settings or plan differ is refused (``BatchError``, naming what
differs) before any work: its results would be mixed with results of other settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from schemas.events_v3 import SCHEMA_VERSION

from ..errors import BatchError
from ..llm import request_key
from ..pipeline import Extractor, cache_key_parts
from ..prompts import load_prompt
from ..redact import redact_url
from ..settings import Settings
from ..strategies import strategy_for
from ..version import package_version
from .parts import PART_PREFIX, part_name, write_atomically
from .sources import Entry

__all__ = [
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "Partition",
    "PartitionPlan",
    "RunManifest",
    "open_run",
    "partitions_of",
    "run_manifest",
    "run_settings",
]

MANIFEST_FORMAT = "extractor-partitions/1"
MANIFEST_NAME = "manifest.json"


@dataclasses.dataclass(frozen=True)
class Partition:
    """What one task extracts: its file name and its articles' locators, in input order."""

    index: int
    name: str
    entries: tuple[Entry, ...]


def partitions_of(entries: Sequence[Entry], size: int) -> list[Partition]:
    if size < 1:
        raise BatchError("the partition size must be at least 1")
    chunks = [tuple(entries[start : start + size]) for start in range(0, len(entries), size)]
    return [Partition(i, part_name(i), chunk) for i, chunk in enumerate(chunks)]


def run_settings(settings: Settings, published: dt.date | None) -> dict[str, Any]:
    """What decides the results of a run (and nothing that only decides how fast they come)."""
    spec = load_prompt(settings.extraction.prompt)
    fields: dict[str, Any] = {
        "prompt": spec.name,
        **cache_key_parts(settings, spec, strategy_for(spec)),
        "max_article_chars": settings.extraction.max_article_chars,
        "max_events_per_article": settings.extraction.max_events_per_article,
        "published": published.isoformat() if published else None,
    }
    if Extractor(settings).asks_llm:
        endpoint = redact_url(settings.llm.base_url) if settings.llm.base_url else "embedded"
        fields.update(
            model=settings.llm.resolved_model,
            endpoint_kind=settings.llm.resolved_endpoint_kind,
            endpoint=endpoint,
            local_model=str(settings.llm.local_model_path) if settings.llm.base_url is None else None,
            temperature=settings.llm.temperature,
            max_tokens=settings.llm.max_tokens,
            seed=settings.llm.seed,
        )
    return fields


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartitionPlan(_Model):
    name: str
    articles: list[str | None]


class RunManifest(_Model):
    format: str = MANIFEST_FORMAT
    settings_sha256: str
    settings: dict[str, Any]
    prompt: str
    prompt_sha256: str
    schema_version: str = SCHEMA_VERSION
    package_version: str
    partition_size: int
    inputs: list[str]
    articles: int
    plan_sha256: str
    partitions: list[PartitionPlan]


def _plan_sha256(partitions: Sequence[Partition]) -> str:
    digest = hashlib.sha256()
    for partition in partitions:
        for entry in partition.entries:
            line = [partition.name, entry.path, entry.offset, entry.article_id, entry.refused is not None]
            digest.update(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


def run_manifest(
    settings: Settings,
    partitions: Sequence[Partition],
    *,
    inputs: Sequence[Path],
    partition_size: int,
    published: dt.date | None,
) -> RunManifest:
    fields = run_settings(settings, published)
    spec = load_prompt(settings.extraction.prompt)
    return RunManifest(
        settings_sha256=request_key(fields),
        settings=fields,
        prompt=spec.name,
        prompt_sha256=spec.sha256,
        package_version=package_version(),
        partition_size=partition_size,
        inputs=[str(path) for path in inputs],
        articles=sum(len(p.entries) for p in partitions),
        plan_sha256=_plan_sha256(partitions),
        partitions=[
            PartitionPlan(name=p.name, articles=[e.article_id for e in p.entries]) for p in partitions
        ],
    )


def _differences(old: dict[str, Any], new: dict[str, Any]) -> str:
    keys = sorted(k for k in {*old, *new} if old.get(k) != new.get(k))
    return "; ".join(f"{k}: {old.get(k)!r} then, {new.get(k)!r} now" for k in keys)


def _read(path: Path) -> RunManifest:
    try:
        return RunManifest.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise BatchError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise BatchError(
            f"{path}: not a manifest of `extractor corpus extract` ({exc.error_count()} problem(s), "
            f"first: {exc.errors()[0]['msg']})"
        ) from None


def open_run(out_dir: Path, manifest: RunManifest) -> None:
    """Start the run in ``out_dir``, or check that it continues the run already there."""
    path = out_dir / MANIFEST_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        parts = [p.name for p in out_dir.iterdir() if p.name.startswith(PART_PREFIX)]
    except OSError as exc:
        raise BatchError(
            f"{out_dir}: cannot be used as the output directory: {exc.strerror or exc}"
        ) from None
    if not path.exists():
        if parts:
            raise BatchError(
                f"{out_dir}: holds part files ({parts[0]}, ...) but no {MANIFEST_NAME}: they are not "
                "known to come from these settings; use an empty output directory"
            )
        write_atomically(path, (manifest.model_dump_json(indent=1) + "\n").encode("utf-8"))
        return
    before = _read(path)
    if before.settings_sha256 != manifest.settings_sha256:
        raise BatchError(
            f"{out_dir}: was started with other settings, and its results would be mixed with these "
            f"({_differences(before.settings, manifest.settings)}); run again with the settings it "
            "was started with, or write to another output directory"
        )
    if before.plan_sha256 != manifest.plan_sha256:
        raise BatchError(
            f"{out_dir}: was started on other articles or another --partition-size ({before.articles} "
            f"article(s) in {len(before.partitions)} partition(s) of {before.partition_size} then, "
            f"{manifest.articles} in {len(manifest.partitions)} of {manifest.partition_size} now): its "
            "partitions hold other articles; write to another output directory"
        )
