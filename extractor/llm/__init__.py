"""The LLM layer: the only package that imports ``openai`` and ``instructor`` (import contract).

``LLMClient`` makes one structured call (transport retries, instructor re-asks, response cache)
and returns a ``Completion``; ``LocalModelServer`` runs the embedded llama.cpp server.
"""

from __future__ import annotations

from .batch_api import BatchInfo, BatchService
from .cache import ResponseCache, open_disk_cache, request_key
from .client import LLMClient
from .completion import Completion
from .local_model import LocalModelServer, default_model_path
from .offline import OfflineLLM

__all__ = [
    "BatchInfo",
    "BatchService",
    "Completion",
    "LLMClient",
    "LocalModelServer",
    "OfflineLLM",
    "ResponseCache",
    "default_model_path",
    "open_disk_cache",
    "request_key",
]
