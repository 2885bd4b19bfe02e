"""``batch collect``: engine output files -> one ``ArticleResult`` per article, as ``extract`` writes.

Each answer is read by the live client's own code (``OfflineLLM.answer``: instructor validates it
with the article as context) and goes through ``pipeline.article_result``, the function every
live result goes through: the same drafts, grounding, derivation and diagnostics. Results are
written in the manifest's (input) order, one line per article as it is done, into a
``JsonlOutput`` (so ``--resume`` works as for ``extract``); ``Provenance.batch`` names the
manifest, the output file and line, and the batch id when known.

Bad lines — not JSON (torn), a custom_id the manifest does not have, a repeated custom_id — are
named with their file and line and skipped; an error line (OpenAI's error file, or vLLM's inline
errors) or a missing answer becomes an error line for its article; the other lines are collected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from schemas.events_v3 import ArticleResult, BatchSource

from ..errors import BatchError, ExtractorError
from ..llm import OfflineLLM
from ..llm.tokens import answer_byte_limit
from ..output import JsonlOutput
from ..pipeline import Endpoint, article_result, cache_key_parts, plan_article
from ..redact import redact_url
from ..settings import Settings
from .manifest import Manifest, ManifestArticle, reload_article
from .outputs import OutputIndex

__all__ = ["CollectReport", "collect"]


@dataclasses.dataclass
class CollectReport:
    """What collect did; ``failed`` is true when any article has no result or any line was bad."""

    results: int = 0
    errors: int = 0
    skipped: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    failed_validation: list[str] = dataclasses.field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.problems)


class _Collector:
    def __init__(self, manifest: Manifest, manifest_file: Path, settings: Settings, batch_id: str | None):
        self.manifest, self.manifest_file, self.batch_id = manifest, manifest_file, batch_id
        self.settings = settings
        self.offline = OfflineLLM(settings)
        url = redact_url(settings.llm.base_url) if settings.llm.base_url else None
        self.endpoint = Endpoint(settings.llm.resolved_model, manifest.endpoint_kind, url)

    def result(self, entry: ManifestArticle, index: OutputIndex) -> ArticleResult:
        location = index.found.get(entry.custom_id)
        if location is None:
            raise BatchError(f"{entry.custom_id}: no answer for it in the output files")
        where = f"{location.file}:{location.line}"
        line = index.read(location)
        if line.body is None:
            raise BatchError(f"{where}: the engine returned an error for {entry.custom_id}: {line.error}")
        article = reload_article(entry, max_chars=self.settings.extraction.max_article_chars)
        spec, strategy, plan = plan_article(self.settings, article, self.manifest.prompt)
        if plan.request is None:
            raise BatchError(
                f"{where}: {entry.custom_id} was prepared with a request, but with these settings code "
                "decides it alone (EXTRACTOR_ADJUDICATE or the prompt changed); its answer would be ignored"
            )
        completion = None
        if plan.request is not None:
            request = plan.request
            completion = self.offline.answer(
                request.messages,
                request.response_model,
                request.context,
                line.body,
                key_parts=cache_key_parts(self.settings, spec, strategy),
            )
            if completion.request_sha256 != entry.request_sha256:
                raise BatchError(
                    f"{where}: the request for {entry.custom_id} would now differ from the one prepared "
                    "(settings such as EXTRACTOR_MAX_TOKENS or the article changed); prepare it again"
                )
            completion = dataclasses.replace(completion, attempts=self.manifest.round)
        source = BatchSource(
            batch_id=self.batch_id,
            manifest=str(self.manifest_file.resolve()),
            custom_id=entry.custom_id,
            file=str(location.file.resolve()),
            line=location.line,
            round=self.manifest.round,
        )
        return article_result(
            self.settings,
            article,
            spec,
            strategy,
            plan,
            completion=completion,
            endpoint=self.endpoint,
            duration_s=0.0,
            batch=source,
        )


def collect(
    outputs: Sequence[Path],
    manifest_file: Path,
    sink: JsonlOutput,
    settings: Settings,
    *,
    batch_id: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    on_failure: Callable[[str, str], None] | None = None,
) -> CollectReport:
    """Collect ``outputs`` (OpenAI output + error files, or vLLM output) against ``manifest_file``.

    The endpoint, model, endpoint kind, temperature and adjudication are the manifest's
    (``Manifest.settings_for``; ``base_url`` and ``model`` override them). ``on_failure(where,
    why)`` is called for each bad line and each article without a result.
    """
    manifest = Manifest.read(manifest_file)
    manifest.check_current(manifest_file)
    settings = manifest.settings_for(settings, base_url=base_url, model=model)
    articles = [article for _, article in manifest.articles()]
    limit = answer_byte_limit(settings.llm.max_tokens)  # the ceiling: every request's budget is at most this
    index = OutputIndex.build(outputs, {article.custom_id for article in articles}, max_line_bytes=limit)
    report = CollectReport(problems=list(index.problems))
    for problem in index.problems:
        if on_failure is not None:
            on_failure(problem.split(": ", 1)[0], problem.split(": ", 1)[1])
    collector = _Collector(manifest, manifest_file, settings, batch_id)
    try:
        for entry in articles:
            if entry.article_id in sink.resumed.done:
                report.skipped += 1
                continue
            try:
                result = collector.result(entry, index)
            except ExtractorError as exc:
                location = index.found.get(entry.custom_id)
                source = f"{location.file}:{location.line}" if location else entry.source
                sink.error(exc, source=source, article_id=entry.article_id)
                report.errors += 1
                if on_failure is not None:
                    on_failure(source, f"{type(exc).__name__}: {exc}")
                continue
            sink.result(result)
            report.results += 1
            if result.diagnostics.validation_errors:
                report.failed_validation.append(entry.article_id)
    finally:
        collector.offline.close()
    return report
