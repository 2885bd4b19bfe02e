"""Instruction-like lines in an article: text written to steer the LLM rather than to report news.

The article is data. Its lines that look like instructions or like an answer are reported in
``diagnostics.suspicious_input``, and nothing inside them is accepted as grounding (no evidence,
claim, name or date may be taken from them), so an injected sentence cannot become a record
even when the LLM obeys it. Flagged:

* chat-role prefixes at the start of a line: ``System:``, ``Assistant:``, ``User:``, ``Developer:``,
  ``Human:``, ``AI:``, and chat-template tokens such as ``<|im_start|>`` or ``[INST]``;
* requests to drop the instructions: "ignore / disregard / forget (all) (the) previous / prior /
  above / earlier instructions / prompts / rules", "new instructions", "system prompt";
* JSON that looks like an extraction answer (``{"events"``, ``"event_type":``).

These are patterns of prompt injection in general, not of any article.
"""

from __future__ import annotations

import re
from typing import Final

from schemas.events_v3 import Span

__all__ = ["instruction_like_lines", "overlaps"]

_PATTERNS: Final = re.compile(
    r"^\s*(?:system|assistant|user|developer|human|ai)\s*:"
    r"|<\|[a-z_]{2,20}\|>|\[/?INST\]"
    r"|\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+|of\s+the\s+)?"
    r"(?:previous|prior|above|earlier|preceding|former)\s+(?:instructions?|prompts?|rules|directions)"
    r"|\bnew\s+instructions?\s*:|\bsystem\s+prompt\b"
    r"|\{\s*\"events\"\s*:|\"event_type\"\s*:",
    re.IGNORECASE | re.MULTILINE,
)


def instruction_like_lines(text: str) -> list[Span]:
    """The lines of ``text`` (stripped, with offsets) that match an instruction or answer pattern."""
    spans: list[Span] = []
    start = 0
    for line in text.splitlines(keepends=True):
        end = start + len(line)
        body = line.strip()
        if body and _PATTERNS.search(line):
            first = start + line.index(body)
            spans.append(Span(quote=body, start=first, end=first + len(body), alignment="exact"))
        start = end
    return spans


def overlaps(span: Span, regions: list[Span]) -> bool:
    """Whether ``span`` shares at least one character with one of ``regions``."""
    return any(span.start < r.end and r.start < span.end for r in regions)
