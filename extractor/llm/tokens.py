"""The completion-token budget of one request, sized from its input.

An extraction answer restates parts of the article (quotes, names, a date) plus some JSON
structure, so it never needs many more tokens than the article has. A model that starts to
repeat itself (small local models loop on short notes) would otherwise run to the configured
ceiling, minutes of CPU for nothing; with the budget it is cut after a few hundred tokens and
the error says it looped.

``EXTRACTOR_MAX_TOKENS`` stays the ceiling: the budget is ``min(ceiling, BASE + PER_INPUT *
estimated input tokens)``, where the input is the user messages (the article and its framing;
the system prompt is instructions, not material to restate).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "ANSWER_BYTES_PER_TOKEN",
    "ANSWER_ENVELOPE_BYTES",
    "BASE_TOKENS",
    "CHARS_PER_TOKEN",
    "PER_INPUT_TOKEN",
    "answer_byte_limit",
    "completion_budget",
    "estimated_tokens",
]

#: Room for the JSON structure and a handful of short fields, whatever the input.
BASE_TOKENS = 256
#: An answer may quote the input about twice (evidence and claim quotes overlap).
PER_INPUT_TOKEN = 2
#: A conservative character-per-token ratio for English prose with BPE tokenizers (~4).
CHARS_PER_TOKEN = 4
#: The most bytes one completion token can take in a response: a token is a few characters, each
#: at most a six-byte JSON escape (``\u0627``), escaped once more inside a tool call's arguments.
ANSWER_BYTES_PER_TOKEN = 32
#: Room for what surrounds the answer: ids, model name, usage, finish reason, a batch line's fields.
ANSWER_ENVELOPE_BYTES = 65_536


def estimated_tokens(text: str) -> int:
    """Tokens in ``text``, estimated from its length (rounded up)."""
    return -(-len(text) // CHARS_PER_TOKEN)


def completion_budget(messages: Sequence[dict[str, Any]], ceiling: int) -> int:
    """``max_tokens`` for a request with these messages, never above ``ceiling``."""
    user = sum(estimated_tokens(str(m.get("content") or "")) for m in messages if m.get("role") == "user")
    return min(ceiling, BASE_TOKENS + PER_INPUT_TOKEN * user)


def answer_byte_limit(max_tokens: int) -> int:
    """The most bytes a response to a request of ``max_tokens`` completion tokens can take."""
    return ANSWER_ENVELOPE_BYTES + ANSWER_BYTES_PER_TOKEN * max(0, max_tokens)
