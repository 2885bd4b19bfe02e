"""Run an eval: extract the gold articles with one prompt, score them, write the report.

Modes:

* ``live``: the configured endpoint, or the embedded local model when none is configured.
* ``record``: like live, and every HTTP exchange is written to
  ``evals/recordings/<prompt>/<article_id>.yaml`` with the run's model and generation
  parameters in ``meta.json`` beside them.
* ``replay``: no network and no model. The recorded answers are played back through the same
  client, instructor and grounding code; a request that was not recorded (the prompt, schema,
  model or parameters changed) stops the run with ``EvalRunError``.

Adjudication (the candidates strategy) is resolved exactly as ``extract`` resolves it
(``EXTRACTOR_ADJUDICATE``: as set, else on with a configured endpoint and off with the embedded
model); in replay the endpoint is the one the recordings were made against (``meta.json``). The
report says what decided the records: "code only", or "LLM adjudication (or extraction) by MODEL
at ENDPOINT".
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from extractor.errors import ExtractorError, RecordingMissingError
from extractor.inputs import Article, load_article
from extractor.pipeline import Extractor
from extractor.prompts import PromptSpec, load_prompt
from extractor.redact import redact_url
from extractor.settings import Settings
from extractor.strategies import strategy_for

from .ceiling import candidate_diagnostics
from .gold import ARTICLES_DIR, GOLD_DIR, GoldArticle, GoldError, load_all_gold
from .recording import REPLAY_BASE_URL, make_vcr, missing_recording
from .report import CODE_ONLY, Report, build_report, print_headline, write_report

__all__ = [
    "RECORDINGS_DIR",
    "EvalRunError",
    "decided_by",
    "load_eval_articles",
    "recorded_settings",
    "resolve_adjudication",
    "run_eval",
]

RECORDINGS_DIR = Path(__file__).parent / "recordings"
#: LLM settings that shape request bodies: replay must use the values the recording was made with.
_RECORDED_SETTINGS = ("model", "endpoint_kind", "temperature", "max_tokens", "seed", "reasks")


class EvalRunError(RuntimeError):
    """The eval could not run (e.g. replay without recordings)."""


def load_eval_articles(
    golds: list[GoldArticle], max_chars: int, articles_dir: Path = ARTICLES_DIR
) -> list[Article]:
    """The article of every gold file, with its sidecar metadata; gold's ``published`` when it has none."""
    articles = []
    for gold in golds:
        article = load_article(articles_dir / f"{gold.article_id}.txt", max_chars=max_chars)
        if article.published is None:
            article = dataclasses.replace(article, published=gold.published)
        articles.append(article)
    return articles


def recorded_meta(folder: Path) -> dict[str, Any]:
    """``meta.json`` of a prompt's recordings: the settings and the endpoint they were made with."""
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise EvalRunError(
            f"no recordings for this prompt in {folder}: run 'extractor eval --mode record' "
            "(or 'make record') first"
        )
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    if not isinstance(meta.get("embedded"), bool):
        raise EvalRunError(
            f"{meta_path}: does not say whether it was recorded against the embedded model "
            "('embedded': true|false); re-record with 'make record'"
        )
    return meta


def recorded_settings(settings: Settings, folder: Path) -> Settings:
    meta = recorded_meta(folder)
    values = {k: meta[k] for k in _RECORDED_SETTINGS if k in meta}
    return settings.replace(base_url=REPLAY_BASE_URL, use_cache=False, http_retries=0, **values)


def resolve_adjudication(settings: Settings, mode: str, folder: Path) -> Settings:
    """``settings`` with adjudication resolved as ``extract`` resolves it: as set, else on with a
    configured endpoint and off with the embedded model; in replay, the recordings' endpoint."""
    if settings.extraction.adjudicate is not None:
        return settings
    embedded = recorded_meta(folder)["embedded"] if mode == "replay" else settings.llm.uses_local_model
    return settings.replace(adjudicate=not embedded)


def _endpoint(settings: Settings, mode: str, folder: Path) -> str:
    """Where the answers came from, for the report header (never with credentials)."""
    if mode == "replay":
        meta = recorded_meta(folder)
        where = "the embedded model server" if meta["embedded"] else str(meta.get("endpoint"))
        return f"{where} ({meta.get('endpoint_kind')}), replayed from {folder.parent.name}/{folder.name}"
    if settings.llm.base_url is None:
        return f"the embedded model server ({settings.llm.resolved_endpoint_kind})"
    return f"{redact_url(settings.llm.base_url)} ({settings.llm.resolved_endpoint_kind})"


def decided_by(spec: PromptSpec, settings: Settings, endpoint: str) -> str:
    """ "code only" when the prompt's strategy asks no LLM with these settings, else who answered."""
    strategy = strategy_for(spec)
    if not strategy.asks_llm(spec, strategy.options(settings)):
        return CODE_ONLY
    return f"LLM {strategy.llm_role} by {settings.llm.resolved_model} at {endpoint}"


def _write_meta(settings: Settings, folder: Path, model: str, kind: str) -> None:
    meta: dict[str, Any] = {k: getattr(settings.llm, k) for k in _RECORDED_SETTINGS}
    meta.update(
        model=model,
        endpoint_kind=kind,
        embedded=settings.llm.uses_local_model,
        endpoint=None if settings.llm.base_url is None else redact_url(settings.llm.base_url),
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def run_eval(
    *,
    mode: str,
    prompt: str,
    settings: Settings,
    out_dir: Path,
    console: Console | None = None,
    recordings_dir: Path = RECORDINGS_DIR,
    only_missing: bool = False,
    articles_dir: Path = ARTICLES_DIR,
    gold_dir: Path = GOLD_DIR,
) -> Report:
    """Extract every gold article with ``prompt``, score, write report.json/.md/.html into ``out_dir``.

    ``articles_dir`` and ``gold_dir`` name any gold set in the layout of ``evals/articles`` and
    ``evals/gold`` (``<id>.txt`` + ``<id>.meta.json``, ``<id>.json``); the five eval articles by
    default. ``only_missing`` (record mode): an article whose recording still answers every
    request of the current pipeline is replayed from it; only the others are recorded anew.
    """
    if mode not in ("live", "replay", "record"):
        raise EvalRunError(f"unknown mode {mode!r}: live, replay or record")
    spec = load_prompt(prompt)
    try:
        golds = load_all_gold(gold_dir, articles_dir)
    except GoldError as exc:
        raise EvalRunError(str(exc)) from exc
    if not golds:
        raise EvalRunError(f"no gold file (<article_id>.json) in {gold_dir}")
    articles = load_eval_articles(golds, settings.extraction.max_article_chars, articles_dir)
    folder = recordings_dir / spec.name
    settings = resolve_adjudication(settings, mode, folder)
    endpoint = _endpoint(settings, mode, folder)
    if mode == "replay":
        settings = recorded_settings(settings, folder)
    elif mode == "record":
        settings = settings.replace(use_cache=False)
    results: dict[str, Any] = {}
    with Extractor(settings) as session:
        if mode == "record":
            _write_meta(settings, folder, session.client.model, session.client.kind)
        for article in articles:
            try:
                if mode == "live":
                    results[article.article_id] = session.extract_article(article, prompt=spec.name)
                    continue
                cassette = folder / f"{article.article_id}.yaml"
                if mode == "record" and only_missing and cassette.exists():
                    try:
                        with make_vcr("none").use_cassette(str(cassette)), missing_recording():
                            results[article.article_id] = session.extract_article(article, prompt=spec.name)
                        continue
                    except RecordingMissingError:
                        pass  # a request the recording does not hold: record this article anew
                if mode == "record" and cassette.exists():
                    cassette.unlink()
                recorder = make_vcr("none" if mode == "replay" else "all")
                with recorder.use_cassette(str(cassette)), missing_recording():
                    results[article.article_id] = session.extract_article(article, prompt=spec.name)
            except RecordingMissingError as exc:
                raise EvalRunError(f"{article.article_id}: {exc}") from exc
            except ExtractorError as exc:
                results[article.article_id] = f"{type(exc).__name__}: {exc}"
    texts = {a.article_id: a.text for a in articles}
    report = build_report(
        results,
        golds,
        texts,
        mode=mode,
        meta={
            "prompt_id": spec.id,
            "prompt_version": spec.version,
            "prompt_sha256": spec.sha256,
            "decided_by": decided_by(spec, settings, endpoint),
        },
    )
    if spec.strategy_name == "candidates":
        report.candidates = candidate_diagnostics(articles, golds)
    write_report(report, out_dir, texts, golds)
    print_headline(report, console)
    return report
