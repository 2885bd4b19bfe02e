"""Frozen settings, one object per concern, composed into ``Settings``.

``Settings.from_env()`` is the only reader of ``EXTRACTOR_*`` variables. Explicit keyword
arguments to ``from_env`` or ``Settings(...)`` override them. This table is generated from
``extractor/settings/variables.py`` by ``python -m extractor.settings.doc``; do not edit it here.

=================================  =======================================================================
``EXTRACTOR_BASE_URL``             OpenAI-compatible endpoint; unset = start the embedded model
                                   (llm.base_url)
``OPENAI_API_KEY``                 the key: required for api.openai.com; unset elsewhere = a placeholder
                                   is sent; redacted from logs (llm.api_key)
``EXTRACTOR_MODEL``                model name sent to the endpoint; unset = the endpoint kind's default
                                   (the embedded model's alias, or OpenAI's default model) (llm.model)
``EXTRACTOR_ENDPOINT_KIND``        ``openai`` | ``openai-compatible`` | ``llama-cpp-python`` or a kind a
                                   plug-in registers (``extractor.endpoints``); unset = the kind of the
                                   URL (llm.endpoint_kind)
``EXTRACTOR_TEMPERATURE``          sampling temperature (llm.temperature; default ``0``)
``EXTRACTOR_MAX_TOKENS``           completion token limit (llm.max_tokens; default ``2048``)
``EXTRACTOR_TIMEOUT``              seconds per HTTP request (llm.timeout_s; default ``300``)
``EXTRACTOR_HTTP_RETRIES``         transport retries of one request (llm.http_retries; default ``2``)
``EXTRACTOR_REASKS``               re-asks after a validation failure; with the retries, one budget of 1 +
                                   retries + reasks requests per article (llm.reasks; default ``2``)
``EXTRACTOR_LOCAL_MODEL``          a GGUF file for the embedded server; unset = SmolLM2-135M-Instruct
                                   (llm.local_model_path)
``EXTRACTOR_PROMPT``               default prompt (extraction.prompt; default ``events.v5``)
``EXTRACTOR_ADJUDICATE``           candidates strategy: ``1`` = the LLM adjudicates, ``0`` = code decides
                                   alone (no LLM call); ``auto`` = on with a configured endpoint, off with
                                   the embedded model (extraction.adjudicate; default ``auto``)
``EXTRACTOR_MAX_ARTICLE_CHARS``    input size cap, in characters (extraction.max_article_chars; default
                                   ``200000``)
``EXTRACTOR_MAX_EVENTS``           events kept per article at most; the rest are counted
                                   (extraction.max_events_per_article; default ``50``)
``EXTRACTOR_CACHE_DIR``            response cache folder (``$XDG_CACHE_HOME/extractor`` when that is set)
                                   (cache.cache_dir; default ``~/.cache/extractor``)
``EXTRACTOR_NO_CACHE``             ``1`` to bypass the response cache (cache.use_cache; default ``0``)
``EXTRACTOR_BATCH_MAX_LINES``      requests per batch file at most (the OpenAI Batch limit)
                                   (batch.batch_max_lines; default ``50000``)
``EXTRACTOR_BATCH_MAX_BYTES``      bytes per batch file at most (200 MiB, the OpenAI Batch limit)
                                   (batch.batch_max_bytes; default ``209715200``)
``EXTRACTOR_DATA_DIR``             the service's data folder (``$XDG_DATA_HOME/extractor`` when that is
                                   set) (service.data_dir; default ``~/.local/share/extractor``)
``EXTRACTOR_DATABASE_URL``         the service's database; unset = a SQLite file in the data folder
                                   (service.database_url)
``EXTRACTOR_API_KEYS``             comma-separated service API keys, each ``NAME:ROLE:KEY`` (role
                                   ``reader``, ``reviewer`` or ``admin``) or a bare ``KEY`` (an admin of
                                   its own jobs only); only their sha256 is kept; unset = no key, the
                                   service listens on loopback only (service.api_keys)
``EXTRACTOR_WORKERS``              articles the service extracts at once (service.workers; default ``4``)
``EXTRACTOR_MAX_BODY_BYTES``       largest request body the service reads (10 MiB)
                                   (service.max_body_bytes; default ``10485760``)
``EXTRACTOR_MAX_JOB_ARTICLES``     articles per job at most (service.max_job_articles; default ``1000``)
``EXTRACTOR_RATE_LIMIT``           requests per minute per API key (service.rate_limit_per_minute; default
                                   ``600``)
``EXTRACTOR_KEY_CONCURRENCY``      requests in flight per API key (service.key_concurrency; default
                                   ``16``)
``EXTRACTOR_LEASE_S``              seconds a worker holds an article before another may take it
                                   (service.lease_s; default ``60``)
=================================  =======================================================================
"""

from __future__ import annotations

from .api_keys import ROLES, ApiKey, ApiKeys, hash_api_key, parse_api_key
from .composed import Settings
from .concerns import (
    DEFAULT_OPENAI_MODEL,
    LOCAL_MODEL_ALIAS,
    BatchSettings,
    CacheSettings,
    EndpointKind,
    ExtractionSettings,
    LLMSettings,
    ServiceSettings,
)
from .variables import VARIABLES, Variable

__all__ = [
    "DEFAULT_OPENAI_MODEL",
    "LOCAL_MODEL_ALIAS",
    "ROLES",
    "VARIABLES",
    "ApiKey",
    "ApiKeys",
    "BatchSettings",
    "CacheSettings",
    "EndpointKind",
    "ExtractionSettings",
    "LLMSettings",
    "ServiceSettings",
    "Settings",
    "Variable",
    "hash_api_key",
    "parse_api_key",
]
