"""Extraction strategies: how an article becomes an LLM request and the answer becomes drafts.

=============  ==================================================================  ============
strategy       what the LLM is asked                                               prompts
=============  ==================================================================  ============
``quotes``     the events, with evidence copied verbatim from the article          events.v1-v2
``sentences``  the events, with evidence chosen among the article's sentences      events.v3-v4
``candidates`` only to confirm/choose among candidates code proposed (or nothing)  events.v5
=============  ==================================================================  ============

A prompt file names its strategy; ``strategy_for(spec)`` returns it. A new strategy is one
module here implementing ``Strategy`` (``base.py``) and one line in ``STRATEGIES``.
"""

from __future__ import annotations

from ..errors import PromptError
from ..prompts import PromptSpec
from .base import LLMRequest, Plan, Strategy, StrategyOptions
from .candidates import CandidatesStrategy
from .quotes import QuotesStrategy
from .sentences import SentencesStrategy

__all__ = ["STRATEGIES", "LLMRequest", "Plan", "Strategy", "StrategyOptions", "strategy_for"]

_ALL: tuple[Strategy, ...] = (QuotesStrategy(), SentencesStrategy(), CandidatesStrategy())
STRATEGIES: dict[str, Strategy] = {s.name: s for s in _ALL}


def strategy_for(spec: PromptSpec) -> Strategy:
    """The strategy prompt ``spec`` names."""
    try:
        return STRATEGIES[spec.strategy_name]
    except KeyError:
        raise PromptError(
            f"prompt {spec.name} names strategy {spec.strategy_name!r}; known: {', '.join(STRATEGIES)}"
        ) from None
