"""Prometheus metrics of one app, in a registry of its own (``GET /metrics``)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from extractor import ArticleResult

__all__ = ["Metrics"]


class Metrics:
    def __init__(self, queue_depth: Callable[[], float]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "extractor_http_requests",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "extractor_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["route"],
            registry=self.registry,
        )
        self.articles = Counter(
            "extractor_articles", "Articles extracted, by outcome.", ["outcome"], registry=self.registry
        )
        self.llm_calls = Counter("extractor_llm_calls", "LLM requests that answered.", registry=self.registry)
        self.tokens = Counter("extractor_llm_tokens", "LLM tokens by kind.", ["kind"], registry=self.registry)
        self.article_seconds = Histogram(
            "extractor_article_duration_seconds", "Wall time per extracted article.", registry=self.registry
        )
        self.llm_seconds = Histogram(
            "extractor_llm_duration_seconds", "Time inside LLM calls per article.", registry=self.registry
        )
        depth = Gauge("extractor_queue_depth", "Job articles pending or running.", registry=self.registry)
        depth.set_function(queue_depth)

    def article(self, outcome: ArticleResult | str) -> None:
        """Count one article: its result, or the name of the error that stopped it."""
        if isinstance(outcome, str):
            self.articles.labels(outcome="error").inc()
            return
        self.articles.labels(outcome="result").inc()
        provenance = outcome.provenance
        self.llm_calls.inc(provenance.attempts)
        self.tokens.labels(kind="prompt").inc(provenance.usage.prompt_tokens)
        self.tokens.labels(kind="completion").inc(provenance.usage.completion_tokens)
        self.article_seconds.observe(provenance.duration_s)
        self.llm_seconds.observe(provenance.llm_duration_s)

    def render(self) -> bytes:
        return generate_latest(self.registry)
