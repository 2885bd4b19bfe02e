"""``batch prepare``: one OpenAI Batch request line per article, split at the engine's limits.

Every body is what the live client would send for that article (``OfflineLLM.body`` runs the
live client and captures its request). Files are checked by the same rules as ``extract``
before anything is written; refused files are named and listed in the manifest, the others
are prepared. A file is closed and the next one started before it would exceed
``Settings.batch_max_lines`` lines or ``Settings.batch_max_bytes`` bytes:
``requests.jsonl``, ``requests.2.jsonl``, ...

``--retry-from results.jsonl`` builds the second round: for each result whose answer failed
validation, the re-ask the live client would send after that answer (the answer and the
validation errors appended to the messages, by instructor, as in a live re-ask).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from schemas.events_v3 import ArticleResult

from ..errors import BatchError, ExtractorError
from ..inputs import Article, load_articles
from ..llm import OfflineLLM
from ..pipeline import cache_key_parts, plan_article
from ..prompts import load_prompt
from ..redact import redact_url
from ..settings import Settings
from ..strategies import strategy_for
from ..version import package_version
from .lines import custom_id_for, request_line
from .manifest import Manifest, ManifestArticle, ManifestFile, manifest_path, reload_article, text_sha256
from .outputs import read_line_at

__all__ = ["PrepareReport", "prepare", "prepare_retry"]

#: Called with (source, error) for each input that is refused.
OnRefused = Callable[[str, ExtractorError], None]


@dataclasses.dataclass(frozen=True)
class PrepareReport:
    manifest: Path
    files: list[Path]
    requests: int
    refused: int


class _Files:
    """Request files written one after the other, each within the line and byte limits."""

    def __init__(self, first: Path, settings: Settings) -> None:
        self.first = first
        self.max_lines, self.max_bytes = settings.batch.batch_max_lines, settings.batch.batch_max_bytes
        self.files: list[ManifestFile] = []
        self.paths: list[Path] = []
        self._stream: BinaryIO | None = None

    def _path(self, index: int) -> Path:
        return (
            self.first
            if index == 1
            else self.first.with_name(f"{self.first.stem}.{index}{self.first.suffix}")
        )

    def check_free(self) -> None:
        for path in (self.first, manifest_path(self.first)):
            if path.exists() and path.stat().st_size > 0:
                raise BatchError(f"{path}: already exists and is not empty: remove it or choose another -o")

    def add(self, line: bytes, article: ManifestArticle) -> None:
        if len(line) > self.max_bytes:
            raise BatchError(
                f"{article.source}: its request line has {len(line)} bytes, more than a batch file may "
                f"hold ({self.max_bytes}, EXTRACTOR_BATCH_MAX_BYTES)"
            )
        current = self.files[-1] if self.files else None
        if current is None or current.lines >= self.max_lines or current.bytes + len(line) > self.max_bytes:
            self.close()
            path = self._path(len(self.files) + 1)
            self.paths.append(path)
            self.files.append(ManifestFile(path=path.name, lines=0, bytes=0))
            self._stream = path.open("wb")
            current = self.files[-1]
        assert self._stream is not None
        self._stream.write(line)
        current.lines += 1
        current.bytes += len(line)
        current.articles.append(article.model_copy(update={"line": current.lines}))

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def _manifest(settings: Settings, offline: OfflineLLM, prompt: str | None, round_: int) -> Manifest:
    spec = load_prompt(prompt or settings.extraction.prompt)
    return Manifest(
        prompt=spec.name,
        prompt_sha256=spec.sha256,
        draft_schema_version=spec.schema_version,
        strategy=strategy_for(spec).name,
        model=offline.model,
        endpoint=redact_url(settings.llm.base_url) if settings.llm.base_url else None,
        endpoint_kind=offline.kind,
        adjudicate=settings.resolved_adjudicate,
        temperature=settings.llm.temperature,
        round=round_,
        package_version=package_version(),
    )


def _write(
    manifest: Manifest,
    output: Path,
    settings: Settings,
    lines: Iterator[tuple[bytes, ManifestArticle]],
) -> PrepareReport:
    files = _Files(output, settings)
    files.check_free()
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        for line, article in lines:
            files.add(line, article)
    finally:
        files.close()
        manifest.files = files.files
        manifest.write(manifest_path(output))
    total = sum(file.lines for file in files.files)
    return PrepareReport(manifest_path(output), files.paths, total, len(manifest.refused))


def _entry(source: str, article: Article, custom_id: str, request_sha256: str) -> ManifestArticle:
    return ManifestArticle(
        custom_id=custom_id,
        article_id=article.article_id,
        source=str(Path(source).resolve()),
        text_sha256=text_sha256(article.text),
        published=article.published.isoformat() if article.published else None,
        line=0,
        request_sha256=request_sha256,
    )


def prepare(
    paths: Iterable[Path],
    output: Path,
    settings: Settings,
    *,
    published: dt.date | None = None,
    on_refused: OnRefused | None = None,
) -> PrepareReport:
    """Request files for ``paths`` (prompt, model and limits from ``settings``) and their manifest."""
    offline = OfflineLLM(settings)
    manifest = _manifest(settings, offline, None, 1)
    loaded: list[tuple[str, Article]] = []
    for source, outcome in load_articles(
        paths, max_chars=settings.extraction.max_article_chars, published=published
    ):
        if isinstance(outcome, ExtractorError):
            manifest.refused[source] = str(outcome)
            if on_refused is not None:
                on_refused(source, outcome)
        else:
            loaded.append((source, outcome))

    def lines() -> Iterator[tuple[bytes, ManifestArticle]]:
        used: dict[str, str] = {}
        for source, article in loaded:
            custom_id = custom_id_for(article.article_id)
            if (first := used.setdefault(custom_id, source)) != source:
                refusal = BatchError(f"{source}: its custom_id {custom_id!r} is already used by {first}")
                manifest.refused[source] = str(refusal)
                if on_refused is not None:
                    on_refused(source, refusal)
                continue
            spec, strategy, plan = plan_article(settings, article, None)
            if plan.request is None:
                continue  # code decides this article alone: nothing to ask
            request = plan.request
            body = offline.body(request.messages, request.response_model, request.context)
            key = offline.request_sha256(
                request.messages, request.response_model, cache_key_parts(settings, spec, strategy)
            )
            yield request_line(custom_id, body), _entry(source, article, custom_id, key)

    try:
        return _write(manifest, output, settings, lines())
    finally:
        offline.close()


def _failed_results(results: Path) -> Iterator[ArticleResult]:
    try:
        lines = results.read_bytes().splitlines()
    except OSError as exc:
        raise BatchError(f"{results}: cannot be read: {exc.strerror or exc}") from None
    for number, raw in enumerate(lines, 1):
        try:
            record: Any = json.loads(raw) if raw.strip() else None
            if not isinstance(record, dict) or "error" in record:
                continue
            result = ArticleResult.model_validate(record)
        except ValueError as exc:
            raise BatchError(f"{results}:{number}: not an extractor result: {exc}") from None
        if result.provenance.batch is not None and result.diagnostics.validation_errors:
            yield result


def prepare_retry(results: Path, output: Path, settings: Settings) -> PrepareReport:
    """The re-ask round for the results in ``results`` whose batch answer failed validation."""
    failed = list(_failed_results(results))
    if not failed:
        raise BatchError(
            f"{results}: no result collected from a batch has validation errors: nothing to re-ask"
        )
    sources = {result.provenance.batch.manifest for result in failed if result.provenance.batch}
    if len(sources) != 1:
        raise BatchError(
            f"{results}: its results come from {len(sources)} manifests; re-ask one batch at a time"
        )
    first = Path(sources.pop())
    previous = Manifest.read(first)
    previous.check_current(first)
    entries = {article.custom_id: article for _, article in previous.articles()}
    settings = previous.settings_for(settings)
    offline = OfflineLLM(settings)
    manifest = _manifest(settings, offline, previous.prompt, previous.round + 1)

    def lines() -> Iterator[tuple[bytes, ManifestArticle]]:
        for result in failed:
            batch = result.provenance.batch
            assert batch is not None
            entry = entries.get(batch.custom_id)
            if entry is None:
                raise BatchError(f"{results}: custom_id {batch.custom_id!r} is not in {first}")
            article = reload_article(entry, max_chars=settings.extraction.max_article_chars)
            _, _, plan = plan_article(settings, article, previous.prompt)
            assert plan.request is not None
            answer = read_line_at(Path(batch.file), batch.line)
            if answer.body is None:
                continue
            request = plan.request
            body = offline.reask_body(request.messages, request.response_model, request.context, answer.body)
            if body is None:
                continue  # the answer validates now: nothing to re-ask
            custom_id = custom_id_for(article.article_id, manifest.round)
            yield request_line(custom_id, body), entry.model_copy(update={"custom_id": custom_id})

    try:
        return _write(manifest, output, settings, lines())
    finally:
        offline.close()
