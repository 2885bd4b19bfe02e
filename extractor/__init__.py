"""extractor: grounded conflict-event records from news articles, through versioned prompts and an LLM.

    >>> import extractor
    >>> result = extractor.extract(text, published="2019-12-29")     # doctest: +SKIP

The public surface is exactly ``__all__`` (tested). Everything else is private.
"""

from __future__ import annotations

from schemas.events_v3 import SCHEMA_VERSION, ArticleResult, Event

from .api import aextract, extract, extract_many
from .corpus import Corpus, merge
from .errors import (
    AuthenticationError,
    BatchError,
    ConfigurationError,
    EndpointUnreachableError,
    ExtractorError,
    InputError,
    LLMError,
    LLMOutputError,
    LLMStatusError,
    LLMTimeoutError,
    LocalModelError,
    PluginError,
    PromptError,
    RateLimitedError,
    RecordingMissingError,
    RequestRejectedError,
    ServerError,
    TruncatedOutputError,
)
from .highlight import Highlighted, highlight_spans
from .inputs import Article, load_article
from .pipeline import Extractor
from .prompts import PromptSpec, list_prompts, load_prompt
from .settings import Settings
from .version import package_version as _package_version

__version__ = _package_version()

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ArticleResult",
    "AuthenticationError",
    "BatchError",
    "ConfigurationError",
    "Corpus",
    "EndpointUnreachableError",
    "Event",
    "Extractor",
    "ExtractorError",
    "Highlighted",
    "InputError",
    "LLMError",
    "LLMOutputError",
    "LLMStatusError",
    "LLMTimeoutError",
    "LocalModelError",
    "PluginError",
    "PromptError",
    "PromptSpec",
    "RateLimitedError",
    "RecordingMissingError",
    "RequestRejectedError",
    "ServerError",
    "Settings",
    "TruncatedOutputError",
    "__version__",
    "aextract",
    "extract",
    "extract_many",
    "highlight_spans",
    "list_prompts",
    "load_article",
    "load_prompt",
    "merge",
]
