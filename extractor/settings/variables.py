"""The one table of environment variables: name, field, parser, default and description.

``Settings.from_env`` reads the environment through it; the settings docstring and
``docs/configuration.md`` are rendered from it (``python -m extractor.settings.doc``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from .api_keys import ApiKeys
from .concerns import default_cache_dir, default_data_dir

#: ``parse(variable, raw)``: the value of a set variable (stripped, never empty), or a
#: ConfigurationError naming the variable.
Parser = Callable[[str, str], Any]


def text(_name: str, raw: str) -> str:
    return raw


def integer(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a valid int") from None


def decimal(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a valid float") from None


def path(_name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def switched_off(_name: str, raw: str) -> bool:
    """A variable that turns something off: ``1``/``true``/``yes`` -> False (off)."""
    return raw.lower() not in {"1", "true", "yes"}


def auto_switch(_name: str, raw: str) -> bool | None:
    """``auto`` -> None (decided later); ``0``/``false``/``no`` -> False; anything else -> True."""
    value = raw.lower()
    return None if value == "auto" else value not in {"0", "false", "no"}


def api_keys(_name: str, raw: str) -> ApiKeys:
    return ApiKeys.parse(raw)


@dataclasses.dataclass(frozen=True)
class Variable:
    """One environment variable and the settings field it sets."""

    name: str
    #: ``concern.field`` of ``Settings`` (``llm.model``); the field name is also its keyword.
    field: str
    parse: Parser
    #: The value as written in the environment that gives the default ("" = unset, said in the description).
    default: str
    description: str
    #: The default when it depends on the environment (XDG folders); None = the field's own default.
    default_from: Callable[[Mapping[str, str]], Any] | None = None

    @property
    def concern(self) -> str:
        return self.field.partition(".")[0]

    @property
    def keyword(self) -> str:
        return self.field.partition(".")[2]


VARIABLES: tuple[Variable, ...] = (
    # ---------------------------------------------------------------- the LLM endpoint
    Variable(
        "EXTRACTOR_BASE_URL",
        "llm.base_url",
        text,
        "",
        "OpenAI-compatible endpoint; unset = start the embedded model",
    ),
    Variable(
        "OPENAI_API_KEY",
        "llm.api_key",
        text,
        "",
        "the key: required for api.openai.com; unset elsewhere = a placeholder is sent; redacted from logs",
    ),
    Variable(
        "EXTRACTOR_MODEL",
        "llm.model",
        text,
        "",
        "model name sent to the endpoint; unset = the endpoint kind's default "
        "(the embedded model's alias, or OpenAI's default model)",
    ),
    Variable(
        "EXTRACTOR_ENDPOINT_KIND",
        "llm.endpoint_kind",
        text,
        "",
        "`openai` | `openai-compatible` | `llama-cpp-python` or a kind a plug-in registers "
        "(`extractor.endpoints`); unset = the kind of the URL",
    ),
    Variable("EXTRACTOR_TEMPERATURE", "llm.temperature", decimal, "0", "sampling temperature"),
    Variable("EXTRACTOR_MAX_TOKENS", "llm.max_tokens", integer, "2048", "completion token limit"),
    Variable("EXTRACTOR_TIMEOUT", "llm.timeout_s", decimal, "300", "seconds per HTTP request"),
    Variable("EXTRACTOR_HTTP_RETRIES", "llm.http_retries", integer, "2", "transport retries of one request"),
    Variable(
        "EXTRACTOR_REASKS",
        "llm.reasks",
        integer,
        "2",
        "re-asks after a validation failure; with the retries, one budget of "
        "1 + retries + reasks requests per article",
    ),
    Variable(
        "EXTRACTOR_LOCAL_MODEL",
        "llm.local_model_path",
        path,
        "",
        "a GGUF file for the embedded server; unset = SmolLM2-135M-Instruct",
    ),
    # ---------------------------------------------------------------- what is extracted
    Variable("EXTRACTOR_PROMPT", "extraction.prompt", text, "events.v5", "default prompt"),
    Variable(
        "EXTRACTOR_ADJUDICATE",
        "extraction.adjudicate",
        auto_switch,
        "auto",
        "candidates strategy: `1` = the LLM adjudicates, `0` = code decides alone (no LLM call); "
        "`auto` = on with a configured endpoint, off with the embedded model",
    ),
    Variable(
        "EXTRACTOR_MAX_ARTICLE_CHARS",
        "extraction.max_article_chars",
        integer,
        "200000",
        "input size cap, in characters",
    ),
    Variable(
        "EXTRACTOR_MAX_EVENTS",
        "extraction.max_events_per_article",
        integer,
        "50",
        "events kept per article at most; the rest are counted",
    ),
    # ---------------------------------------------------------------- the response cache
    Variable(
        "EXTRACTOR_CACHE_DIR",
        "cache.cache_dir",
        path,
        "~/.cache/extractor",
        "response cache folder (`$XDG_CACHE_HOME/extractor` when that is set)",
        default_cache_dir,
    ),
    Variable("EXTRACTOR_NO_CACHE", "cache.use_cache", switched_off, "0", "`1` to bypass the response cache"),
    # ---------------------------------------------------------------- batch files
    Variable(
        "EXTRACTOR_BATCH_MAX_LINES",
        "batch.batch_max_lines",
        integer,
        "50000",
        "requests per batch file at most (the OpenAI Batch limit)",
    ),
    Variable(
        "EXTRACTOR_BATCH_MAX_BYTES",
        "batch.batch_max_bytes",
        integer,
        "209715200",
        "bytes per batch file at most (200 MiB, the OpenAI Batch limit)",
    ),
    # ---------------------------------------------------------------- the HTTP service
    Variable(
        "EXTRACTOR_DATA_DIR",
        "service.data_dir",
        path,
        "~/.local/share/extractor",
        "the service's data folder (`$XDG_DATA_HOME/extractor` when that is set)",
        default_data_dir,
    ),
    Variable(
        "EXTRACTOR_DATABASE_URL",
        "service.database_url",
        text,
        "",
        "the service's database; unset = a SQLite file in the data folder",
    ),
    Variable(
        "EXTRACTOR_API_KEYS",
        "service.api_keys",
        api_keys,
        "",
        "comma-separated service API keys, each `NAME:ROLE:KEY` (role `reader`, `reviewer` or "
        "`admin`) or a bare `KEY` (an admin of its own jobs only); only their sha256 is kept; "
        "unset = no key, the service listens on loopback only",
    ),
    Variable("EXTRACTOR_WORKERS", "service.workers", integer, "4", "articles the service extracts at once"),
    Variable(
        "EXTRACTOR_MAX_BODY_BYTES",
        "service.max_body_bytes",
        integer,
        "10485760",
        "largest request body the service reads (10 MiB)",
    ),
    Variable(
        "EXTRACTOR_MAX_JOB_ARTICLES", "service.max_job_articles", integer, "1000", "articles per job at most"
    ),
    Variable(
        "EXTRACTOR_RATE_LIMIT",
        "service.rate_limit_per_minute",
        integer,
        "600",
        "requests per minute per API key",
    ),
    Variable(
        "EXTRACTOR_KEY_CONCURRENCY",
        "service.key_concurrency",
        integer,
        "16",
        "requests in flight per API key",
    ),
    Variable(
        "EXTRACTOR_LEASE_S",
        "service.lease_s",
        decimal,
        "60",
        "seconds a worker holds an article before another may take it",
    ),
)


def read(environ: Mapping[str, str]) -> dict[str, Any]:
    """The keyword values the environment sets (by field keyword); unset or blank variables are absent
    unless their default depends on the environment."""
    values: dict[str, Any] = {}
    for variable in VARIABLES:
        raw = environ.get(variable.name, "").strip()
        if raw:
            values[variable.keyword] = variable.parse(variable.name, raw)
        elif variable.default_from is not None:
            values[variable.keyword] = variable.default_from(environ)
    return values
