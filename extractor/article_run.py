"""The two halves of one article's run, shared by every way an answer arrives (a live call, the
cache, a batch output file, a corpus partition): ``plan_article`` (check the article, choose the
prompt's strategy, plan the request) and ``article_result`` (the answer -> drafts -> grounded,
derived events -> the ``ArticleResult``); ``cache_key_parts`` says what besides the request
decides an answer's meaning."""

from __future__ import annotations

import dataclasses
from typing import Any

from schemas import DRAFT_MODELS
from schemas.events_v3 import SCHEMA_VERSION, ArticleResult, BatchSource, Provenance, Usage

from . import version
from .assemble import build_events
from .errors import PromptError
from .inputs import Article, check_text
from .llm import Completion
from .prompts import PromptSpec, load_prompt
from .redact import redacted
from .settings import Settings
from .strategies import Plan, Strategy, strategy_for

__all__ = ["NO_CALL", "Endpoint", "article_result", "cache_key_parts", "plan_article"]

#: What "the LLM answered" when no LLM was called.
NO_CALL = Completion(
    content="",
    validated=None,
    attempts=0,
    requests=0,
    usage=Usage(),
    validation_errors=(),
    duration_s=0.0,
    cache_hit=False,
    request_sha256="",
)


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """Who answered: the model, the endpoint kind and the URL (without credentials)."""

    model: str
    kind: str
    url: str | None


def plan_article(
    settings: Settings, article: Article, prompt: str | None
) -> tuple[PromptSpec, Strategy[Any, Any], Plan[Any]]:
    """The checked article's prompt, strategy and plan (the request, if any): the first half of a run."""
    check_text(article.text, max_chars=settings.extraction.max_article_chars, where=article.article_id)
    spec = load_prompt(prompt or settings.extraction.prompt)
    if spec.schema_version not in DRAFT_MODELS:
        raise PromptError(
            f"prompt {spec.name} targets schema {spec.schema_version}; this library reads the drafts "
            f"of {', '.join(DRAFT_MODELS)} and produces {SCHEMA_VERSION} records"
        )
    strategy = strategy_for(spec)
    return spec, strategy, strategy.plan(spec, article, strategy.options(settings))


def article_result(
    settings: Settings,
    article: Article,
    spec: PromptSpec,
    strategy: Strategy[Any, Any],
    plan: Plan[Any],
    *,
    completion: Completion | None,
    endpoint: Endpoint | None,
    duration_s: float,
    batch: BatchSource | None = None,
) -> ArticleResult:
    """The second half of a run: the answer -> drafts -> grounded, derived events -> the result.

    The one function every way an answer arrives goes through: a live call, the cache, a batch
    engine's output file (``batch`` then says where the answer came from). ``completion`` is
    ``None`` when the plan called no LLM.
    """
    answer = completion or NO_CALL
    events, diagnostics = build_events(
        strategy,
        plan,
        validated=answer.validated,
        content=answer.content,
        validation_errors=answer.validation_errors,
        text=article.text,
        published=article.published,
        max_events=settings.extraction.max_events_per_article,
        title=article.title,
    )
    return ArticleResult(
        article_id=article.article_id,
        published=article.published,
        title=article.title,
        url=article.url,
        events=events,
        diagnostics=redacted(diagnostics),  # they quote the endpoint's answers, which may echo a key
        provenance=Provenance(
            prompt_id=spec.id,
            prompt_version=spec.version,
            prompt_sha256=spec.sha256,
            request_sha256=answer.request_sha256 or None,
            schema_version=SCHEMA_VERSION,
            strategy=strategy.name,
            model=endpoint.model if endpoint else None,
            endpoint_kind=endpoint.kind if endpoint else None,
            endpoint=endpoint.url if endpoint else None,
            temperature=settings.llm.temperature,
            attempts=answer.attempts,
            usage=answer.usage,
            duration_s=round(duration_s, 4),
            llm_duration_s=round(answer.duration_s, 4),
            cache_hit=answer.cache_hit,
            package_version=version.package_version(),
            batch=batch,
            adjudicated=completion is not None,
        ),
    )


def cache_key_parts(settings: Settings, spec: PromptSpec, strategy: Strategy[Any, Any]) -> dict[str, Any]:
    """What, besides the request itself, decides the answer's meaning: part of the cache key
    (and so of ``Provenance.request_sha256``), for live and batch requests alike. The strategy
    says which of its own options belong there (``Strategy.cache_key``)."""
    return {
        **strategy.cache_key(strategy.options(settings)),
        "prompt_sha256": spec.sha256,
        "strategy": strategy.name,
        "schema_version": SCHEMA_VERSION,
    }
