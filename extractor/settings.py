"""One frozen settings object. ``Settings.from_env()`` is the only reader of ``EXTRACTOR_*`` variables.

Variables (explicit keyword arguments to ``from_env`` or ``Settings(...)`` override them):

=================================  ===========================================================
``EXTRACTOR_BASE_URL``             OpenAI-compatible endpoint; unset = start the embedded model
``OPENAI_API_KEY``                 the key (required for api.openai.com; optional elsewhere)
``EXTRACTOR_MODEL``                model name sent to the endpoint
``EXTRACTOR_ENDPOINT_KIND``        ``openai`` | ``openai-compatible`` | ``llama-cpp-python``
                                   or a kind a plug-in registers (``extractor.endpoints``)
``EXTRACTOR_PROMPT``               default prompt (``events.v5``)
``EXTRACTOR_TEMPERATURE``          sampling temperature (default 0)
``EXTRACTOR_MAX_TOKENS``           completion token limit (default 2048)
``EXTRACTOR_TIMEOUT``              seconds per HTTP request (default 300)
``EXTRACTOR_HTTP_RETRIES``         transport retries of one request (default 2)
``EXTRACTOR_REASKS``               re-asks after a validation failure (default 2); with the
                                   retries, one budget of 1 + retries + reasks requests per article
``EXTRACTOR_CACHE_DIR``            response cache folder (default ~/.cache/extractor)
``EXTRACTOR_NO_CACHE``             ``1`` to bypass the response cache
``EXTRACTOR_LOCAL_MODEL``          a GGUF file for the embedded server (default SmolLM2-135M-Instruct)
``EXTRACTOR_MAX_ARTICLE_CHARS``    input size cap (default 200000)
``EXTRACTOR_MAX_EVENTS``           events kept per article at most (default 50); the rest are counted
``EXTRACTOR_BATCH_MAX_LINES``      requests per batch file at most (default 50000, the OpenAI Batch limit)
``EXTRACTOR_BATCH_MAX_BYTES``      bytes per batch file at most (default 200 MB, the OpenAI Batch limit)
``EXTRACTOR_ADJUDICATE``           candidates strategy: ``1`` = the LLM adjudicates, ``0`` = code decides
                                   alone (no LLM call); ``auto`` (default) = on with a configured
                                   endpoint, off with the embedded model
``EXTRACTOR_DATA_DIR``             the service's data folder (default ~/.local/share/extractor)
``EXTRACTOR_DATABASE_URL``         the service's database (default: SQLite file in the data folder)
``EXTRACTOR_API_KEYS``             comma-separated service API keys, each ``NAME:ROLE:KEY`` (role
                                   ``reader``, ``reviewer`` or ``admin``) or a bare ``KEY`` (an
                                   admin of its own jobs only); only their sha256 is kept
``EXTRACTOR_WORKERS``              articles the service extracts at once (default 4)
``EXTRACTOR_MAX_BODY_BYTES``       largest request body the service reads (default 10 MiB)
``EXTRACTOR_MAX_JOB_ARTICLES``     articles per job at most (default 1000)
``EXTRACTOR_RATE_LIMIT``           requests per minute per API key (default 600)
``EXTRACTOR_KEY_CONCURRENCY``      requests in flight per API key (default 16)
``EXTRACTOR_LEASE_S``              seconds a worker holds an article before another may take it (60)
=================================  ===========================================================
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .endpoints import OPENAI, EndpointProfile, kind_for_url, profile_for
from .errors import ConfigurationError
from .redact import remember_secret

#: A kind of endpoint: a name in ``extractor.endpoints.PROFILES`` (the ``extractor.endpoints`` entry points).
EndpointKind = str

#: Name under which the embedded server serves its model.
LOCAL_MODEL_ALIAS = "smollm2-135m-instruct"
DEFAULT_OPENAI_MODEL = OPENAI.default_model


def _default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    base = (os.environ if environ is None else environ).get("XDG_DATA_HOME")
    return (Path(base) if base else Path.home() / ".local" / "share") / "extractor"


def hash_api_key(key: str) -> str:
    """The form in which a service API key is kept and compared: its sha256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


ROLES: tuple[str, ...] = ("reader", "reviewer", "admin")
_NAMED_KEY = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._@-]{0,99}):(?P<role>[a-z]+):(?P<key>.+)", re.DOTALL)


def parse_api_key(entry: str) -> tuple[str, str, str]:
    """``(sha256, name, role)`` of one ``EXTRACTOR_API_KEYS`` entry; name and role are "" for a bare key."""
    named = _NAMED_KEY.fullmatch(entry)
    if named is None:
        return hash_api_key(entry), "", ""
    if named["role"] not in ROLES:
        raise ConfigurationError(
            f"EXTRACTOR_API_KEYS: key {named['name']!r} has role {named['role']!r}, "
            f"not one of {', '.join(ROLES)}"
        )
    return hash_api_key(named["key"]), named["name"], named["role"]


def _default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    base = (os.environ if environ is None else environ).get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "extractor"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything configurable. Immutable: derive variants with ``settings.replace(...)``."""

    base_url: str | None = None
    api_key: str | None = dataclasses.field(default=None, repr=False)
    model: str | None = None
    endpoint_kind: EndpointKind | None = None
    prompt: str = "events.v5"
    temperature: float = 0.0
    max_tokens: int = 2048
    seed: int | None = 0
    timeout_s: float = 300.0
    http_retries: int = 2
    reasks: int = 2
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 20.0
    cache_dir: Path = dataclasses.field(default_factory=_default_cache_dir)
    use_cache: bool = True
    local_model_path: Path | None = None
    max_article_chars: int = 200_000
    max_events_per_article: int = 50
    #: Candidates strategy: ask the LLM to adjudicate code's candidates. ``None`` (the default,
    #: ``EXTRACTOR_ADJUDICATE=auto``): on when an endpoint is configured, off with the embedded
    #: model, which measured worse than code alone on the development snippets (evals/README.md).
    adjudicate: bool | None = None
    batch_max_lines: int = 50_000
    batch_max_bytes: int = 200 * 1024 * 1024
    # the HTTP service (extractor serve)
    data_dir: Path = dataclasses.field(default_factory=_default_data_dir)
    database_url: str | None = dataclasses.field(default=None, repr=False)
    api_key_hashes: tuple[str, ...] = dataclasses.field(default=(), repr=False)
    #: ``(sha256, name, role)`` of the keys configured as ``NAME:ROLE:KEY``; a key without an entry
    #: here (a bare ``KEY``) is an admin that sees only its own jobs, as before roles existed.
    api_key_roles: tuple[tuple[str, str, str], ...] = dataclasses.field(default=(), repr=False)
    workers: int = 4
    max_body_bytes: int = 10 * 1024 * 1024
    max_job_articles: int = 1000
    rate_limit_per_minute: int = 600
    key_concurrency: int = 16
    lease_s: float = 60.0

    def __post_init__(self) -> None:
        remember_secret(self.api_key)  # redacted from every message and log line from now on
        if self.endpoint_kind is not None:
            profile_for(self.endpoint_kind)  # an unknown kind: a ConfigurationError naming it
        if self.http_retries < 0 or self.reasks < 0:
            raise ConfigurationError("EXTRACTOR_HTTP_RETRIES and EXTRACTOR_REASKS must be 0 or more")
        if self.max_events_per_article <= 0:
            raise ConfigurationError("EXTRACTOR_MAX_EVENTS must be positive")
        if self.batch_max_lines <= 0 or self.batch_max_bytes <= 0:
            raise ConfigurationError(
                "EXTRACTOR_BATCH_MAX_LINES and EXTRACTOR_BATCH_MAX_BYTES must be positive"
            )
        service_limits = (
            self.workers,
            self.max_body_bytes,
            self.max_job_articles,
            self.rate_limit_per_minute,
        )
        if min(service_limits) <= 0 or self.key_concurrency <= 0 or self.lease_s <= 0:
            raise ConfigurationError(
                "EXTRACTOR_WORKERS, EXTRACTOR_MAX_BODY_BYTES, EXTRACTOR_MAX_JOB_ARTICLES, "
                "EXTRACTOR_RATE_LIMIT, EXTRACTOR_KEY_CONCURRENCY and EXTRACTOR_LEASE_S must be positive"
            )
        if self.max_tokens <= 0 or self.timeout_s <= 0 or self.max_article_chars <= 0:
            raise ConfigurationError(
                "EXTRACTOR_MAX_TOKENS, EXTRACTOR_TIMEOUT and EXTRACTOR_MAX_ARTICLE_CHARS must be positive"
            )

    # ------------------------------------------------------------------ derived
    @property
    def uses_local_model(self) -> bool:
        """True when no endpoint is configured: the embedded server will be started."""
        return self.base_url is None

    @property
    def resolved_adjudicate(self) -> bool:
        """Whether the candidates strategy asks the LLM: as set, else only with a configured endpoint."""
        return self.adjudicate if self.adjudicate is not None else not self.uses_local_model

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

    @property
    def resolved_database_url(self) -> str:
        """The service's database: ``EXTRACTOR_DATABASE_URL``, or a SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'service.db'}"

    def api_key_hash_for(self, presented: str) -> str | None:
        """The stored hash that ``presented`` matches (compared in constant time), or None."""
        digest = hash_api_key(presented)
        found = None
        for stored in self.api_key_hashes:  # every hash is compared: the time says nothing
            if hmac.compare_digest(digest, stored):
                found = stored
        return found

    def api_key_identity(self, digest: str) -> tuple[str, str] | None:
        """``(name, role)`` of the key with this hash when it was configured as ``NAME:ROLE:KEY``."""
        for stored, name, role in self.api_key_roles:
            if hmac.compare_digest(digest, stored):
                return name, role
        return None

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

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied; ``None`` values are ignored."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    # ------------------------------------------------------------------ environment
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``EXTRACTOR_*`` (and ``OPENAI_API_KEY``); non-None ``overrides`` win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def number(name: str, kind: type[int] | type[float]) -> int | float | None:
            raw = text(name)
            if raw is None:
                return None
            try:
                return kind(raw)
            except ValueError:
                raise ConfigurationError(f"{name}={raw!r} is not a valid {kind.__name__}") from None

        values["base_url"] = text("EXTRACTOR_BASE_URL")
        values["api_key"] = text("OPENAI_API_KEY")
        values["model"] = text("EXTRACTOR_MODEL")
        values["endpoint_kind"] = text("EXTRACTOR_ENDPOINT_KIND")
        values["prompt"] = text("EXTRACTOR_PROMPT")
        values["temperature"] = number("EXTRACTOR_TEMPERATURE", float)
        values["max_tokens"] = number("EXTRACTOR_MAX_TOKENS", int)
        values["timeout_s"] = number("EXTRACTOR_TIMEOUT", float)
        values["http_retries"] = number("EXTRACTOR_HTTP_RETRIES", int)
        values["reasks"] = number("EXTRACTOR_REASKS", int)
        values["max_article_chars"] = number("EXTRACTOR_MAX_ARTICLE_CHARS", int)
        values["max_events_per_article"] = number("EXTRACTOR_MAX_EVENTS", int)
        values["batch_max_lines"] = number("EXTRACTOR_BATCH_MAX_LINES", int)
        values["batch_max_bytes"] = number("EXTRACTOR_BATCH_MAX_BYTES", int)
        adjudicate = (text("EXTRACTOR_ADJUDICATE") or "auto").lower()
        values["adjudicate"] = None if adjudicate == "auto" else adjudicate not in {"0", "false", "no"}
        cache_dir = text("EXTRACTOR_CACHE_DIR")
        values["cache_dir"] = Path(cache_dir).expanduser() if cache_dir else _default_cache_dir(env)
        no_cache = text("EXTRACTOR_NO_CACHE")
        values["use_cache"] = None if no_cache is None else no_cache.lower() not in {"1", "true", "yes"}
        local = text("EXTRACTOR_LOCAL_MODEL")
        values["local_model_path"] = Path(local).expanduser() if local else None
        data_dir = text("EXTRACTOR_DATA_DIR")
        values["data_dir"] = Path(data_dir).expanduser() if data_dir else _default_data_dir(env)
        values["database_url"] = text("EXTRACTOR_DATABASE_URL")
        keys = [parse_api_key(k.strip()) for k in (text("EXTRACTOR_API_KEYS") or "").split(",") if k.strip()]
        values["api_key_hashes"] = tuple(digest for digest, _name, _role in keys) or None
        values["api_key_roles"] = tuple(k for k in keys if k[1]) or None
        names = [name for _digest, name, _role in keys if name]
        if len(set(names)) != len(names):
            raise ConfigurationError(
                "EXTRACTOR_API_KEYS: two keys have the same name; each name says who did what"
            )
        values["workers"] = number("EXTRACTOR_WORKERS", int)
        values["max_body_bytes"] = number("EXTRACTOR_MAX_BODY_BYTES", int)
        values["max_job_articles"] = number("EXTRACTOR_MAX_JOB_ARTICLES", int)
        values["rate_limit_per_minute"] = number("EXTRACTOR_RATE_LIMIT", int)
        values["key_concurrency"] = number("EXTRACTOR_KEY_CONCURRENCY", int)
        values["lease_s"] = number("EXTRACTOR_LEASE_S", float)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**{k: v for k, v in values.items() if v is not None})
