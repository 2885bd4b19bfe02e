"""Batch at scale: request files for the OpenAI Batch API and vLLM's ``run-batch``, and back.

=================  ==========================================================================
``prepare``        articles -> request lines (the live client's exact bodies) + a manifest
``run_requests``   a request file -> OpenAI-format output lines, against any endpoint
``collect``        output (+ error) files -> ``ArticleResult`` lines, exactly as ``extract``
``BatchService``   submit / status / download through the OpenAI Files and Batches APIs
=================  ==========================================================================

The answers are read, validated, grounded and derived by the live path's own code
(``OfflineLLM`` and ``pipeline.article_result``), never by a copy of it.
"""

from __future__ import annotations

from ..llm import BatchInfo, BatchService
from .collect import CollectReport, collect
from .lines import CHAT_URL, OutputLine, custom_id_for, parse_output_line, request_line
from .manifest import Manifest, manifest_path
from .prepare import PrepareReport, prepare, prepare_retry
from .run import RunReport, run_requests

__all__ = [
    "CHAT_URL",
    "BatchInfo",
    "BatchService",
    "CollectReport",
    "Manifest",
    "OutputLine",
    "PrepareReport",
    "RunReport",
    "collect",
    "custom_id_for",
    "manifest_path",
    "parse_output_line",
    "prepare",
    "prepare_retry",
    "request_line",
    "run_requests",
]
