"""Extraction strategies: how an article becomes an LLM request and the answer becomes drafts.

=============  ==================================================================  ============
strategy       what the LLM is asked                                               prompts
=============  ==================================================================  ============
``quotes``     the events, with evidence copied verbatim from the article          events.v1-v2
``sentences``  the events, with evidence chosen among the article's sentences      events.v3-v4
``candidates`` only to confirm/choose among candidates code proposed (or nothing)  events.v5
=============  ==================================================================  ============

A prompt file names its strategy; ``strategy_for(spec)`` returns it from ``STRATEGIES``, the
registry of the ``extractor.strategies`` entry points (``extractor.plugins``). A new strategy is
one module implementing ``Strategy`` (``base.py``) and one entry point naming it, in this
package's ``pyproject.toml`` or in another package's.
"""

from __future__ import annotations

from typing import Any

from ..errors import PromptError
from ..plugins import Registry, protocol_problem
from ..prompts import PromptSpec
from .base import LLMRequest, Plan, Strategy

__all__ = ["STRATEGIES", "LLMRequest", "Plan", "Strategy", "strategy_for"]


def _check(name: str, obj: object) -> str | None:
    return protocol_problem(name, obj, Strategy, label="Strategy (extractor.strategies.base)")


#: The strategies, by the name prompt files use.
STRATEGIES: Registry[Strategy[Any, Any]] = Registry("extractor.strategies", "strategy", _check)


def strategy_for(spec: PromptSpec) -> Strategy[Any, Any]:
    """The strategy prompt ``spec`` names."""
    try:
        return STRATEGIES[spec.strategy_name]
    except KeyError:
        raise PromptError(
            f"prompt {spec.name} names strategy {spec.strategy_name!r}; known: {STRATEGIES.known()}"
        ) from None
