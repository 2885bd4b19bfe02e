"""The settings of each concern, each one frozen: the LLM endpoint, what is extracted, the response
cache, batch files and the HTTP service. ``Settings`` (``composed.py``) holds one of each."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from ..endpoints import OPENAI, EndpointProfile, kind_for_url, profile_for
from ..errors import ConfigurationError
from ..redact import remember_secret
from .api_keys import ApiKeys

#: A kind of endpoint: a name in ``extractor.endpoints.PROFILES`` (the ``extractor.endpoints`` entry points).
EndpointKind = str

#: Name under which the embedded server serves its model.
LOCAL_MODEL_ALIAS = "smollm2-135m-instruct"
DEFAULT_OPENAI_MODEL = OPENAI.default_model


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    base = (os.environ if environ is None else environ).get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "extractor"


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    base = (os.environ if environ is None else environ).get("XDG_DATA_HOME")
    return (Path(base) if base else Path.home() / ".local" / "share") / "extractor"


def _positive(names: str, *values: float) -> None:
    if min(values) <= 0:
        raise ConfigurationError(f"{names} must be positive")


@dataclasses.dataclass(frozen=True, kw_only=True)
class LLMSettings:
    """The endpoint and how it is asked: where, which model, sampling, time and request budgets."""

    base_url: str | None = None
    api_key: str | None = dataclasses.field(default=None, repr=False)
    model: str | None = None
    endpoint_kind: EndpointKind | None = None
    temperature: float = 0.0
    max_tokens: int = 2048
    seed: int | None = 0
    timeout_s: float = 300.0
    http_retries: int = 2
    reasks: int = 2
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 20.0
    local_model_path: Path | None = None

    def __post_init__(self) -> None:
        remember_secret(self.api_key)  # redacted from every message and log line from now on
        if self.endpoint_kind is not None:
            profile_for(self.endpoint_kind)  # an unknown kind: a ConfigurationError naming it
        if self.http_retries < 0 or self.reasks < 0:
            raise ConfigurationError("EXTRACTOR_HTTP_RETRIES and EXTRACTOR_REASKS must be 0 or more")
        _positive("EXTRACTOR_MAX_TOKENS and EXTRACTOR_TIMEOUT", self.max_tokens, self.timeout_s)

    @property
    def uses_local_model(self) -> bool:
        """True when no endpoint is configured: the embedded server will be started."""
        return self.base_url is None

    @property
    def resolved_endpoint_kind(self) -> EndpointKind:
        """``EXTRACTOR_ENDPOINT_KIND``, else the kind of the URL (``extractor.endpoints``)."""
        return self.endpoint_kind if self.endpoint_kind is not None else kind_for_url(self.base_url)

    @property
    def profile(self) -> EndpointProfile:
        """The resolved kind's profile: how requests are shaped for this endpoint."""
        return profile_for(self.resolved_endpoint_kind)

    @property
    def resolved_model(self) -> str:
        if self.model:
            return self.model
        if self.base_url is None:
            return LOCAL_MODEL_ALIAS
        if self.profile.default_model is not None:
            return self.profile.default_model
        raise ConfigurationError(
            f"no model name for endpoint {self.base_url}: set EXTRACTOR_MODEL or pass --model"
        )

    def require_api_key(self) -> str:
        """The key to send. Kinds that require one (``openai``) need a real one; others get a placeholder."""
        if self.api_key:
            return self.api_key
        if self.profile.requires_api_key:
            raise ConfigurationError(
                f"no API key: set OPENAI_API_KEY to use the {self.resolved_endpoint_kind} endpoint "
                f"{self.base_url} (or unset EXTRACTOR_BASE_URL to use the embedded local model)"
            )
        return "not-needed"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ExtractionSettings:
    """What is extracted from one article: the prompt, adjudication, and the input and output bounds."""

    prompt: str = "events.v5"
    #: Candidates strategy: ask the LLM to adjudicate code's candidates. ``None`` (the default,
    #: ``EXTRACTOR_ADJUDICATE=auto``): on when an endpoint is configured, off with the embedded
    #: model, which measured worse than code alone on the development snippets (evals/README.md).
    adjudicate: bool | None = None
    max_article_chars: int = 200_000
    max_events_per_article: int = 50

    def __post_init__(self) -> None:
        _positive("EXTRACTOR_MAX_ARTICLE_CHARS", self.max_article_chars)
        _positive("EXTRACTOR_MAX_EVENTS", self.max_events_per_article)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CacheSettings:
    """The response cache: where it lives and whether it is used."""

    cache_dir: Path = dataclasses.field(default_factory=default_cache_dir)
    use_cache: bool = True


@dataclasses.dataclass(frozen=True, kw_only=True)
class BatchSettings:
    """Batch request files (OpenAI Batch, vLLM run-batch): their size bounds."""

    batch_max_lines: int = 50_000
    batch_max_bytes: int = 200 * 1024 * 1024

    def __post_init__(self) -> None:
        _positive(
            "EXTRACTOR_BATCH_MAX_LINES and EXTRACTOR_BATCH_MAX_BYTES",
            self.batch_max_lines,
            self.batch_max_bytes,
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """The HTTP service (``extractor serve``): storage, keys, workers and limits."""

    data_dir: Path = dataclasses.field(default_factory=default_data_dir)
    database_url: str | None = dataclasses.field(default=None, repr=False)
    api_keys: ApiKeys = dataclasses.field(default_factory=ApiKeys, repr=False)
    workers: int = 4
    max_body_bytes: int = 10 * 1024 * 1024
    max_job_articles: int = 1000
    rate_limit_per_minute: int = 600
    key_concurrency: int = 16
    lease_s: float = 60.0

    def __post_init__(self) -> None:
        _positive(
            "EXTRACTOR_WORKERS, EXTRACTOR_MAX_BODY_BYTES, EXTRACTOR_MAX_JOB_ARTICLES, "
            "EXTRACTOR_RATE_LIMIT, EXTRACTOR_KEY_CONCURRENCY and EXTRACTOR_LEASE_S",
            self.workers,
            self.max_body_bytes,
            self.max_job_articles,
            self.rate_limit_per_minute,
            self.key_concurrency,
            self.lease_s,
        )

    @property
    def resolved_database_url(self) -> str:
        """The service's database: ``EXTRACTOR_DATABASE_URL``, or a SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'service.db'}"
