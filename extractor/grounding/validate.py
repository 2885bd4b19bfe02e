"""The re-ask validator: the response model sent to instructor checks the grounding rules.

``grounded_model(draft_model)`` is ``draft_model`` (an ``ExtractionDraft`` of some schema version)
with the same JSON Schema plus a validator that reads the article from the validation context and
applies ``rules.ground_event`` to every event; any problem makes instructor re-ask with the list.
``GroundedDraft`` is that model for the ``events.v1`` drafts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

from schemas import events_v1

from .rules import ground_event

__all__ = ["REASK_HEADER", "GroundedDraft", "draft_problems", "grounded_model"]

#: The first line of every re-ask message.
REASK_HEADER = (
    "Some values are not in the article (or not what they claim to be). Fix or remove them; "
    "copy every quote and name exactly from the article:"
)


def draft_problems(draft: events_v1.ExtractionDraft, text: str) -> list[str]:
    """Every grounding problem across all events of a draft, each prefixed with its event's path."""
    return [
        problem.located(f"events[{i}]")
        for i, event in enumerate(draft.events)
        for problem in ground_event(event, text).problems
    ]


def _check(self: Any, info: ValidationInfo) -> Any:
    context: dict[str, Any] | None = info.context
    if not context or "article" not in context:
        return self
    problems = draft_problems(self, str(context["article"]))
    if problems:
        raise ValueError(REASK_HEADER + "\n- " + "\n- ".join(problems))
    return self


@lru_cache(maxsize=8)
def grounded_model(draft_model: type[events_v1.ExtractionDraft]) -> type[events_v1.ExtractionDraft]:
    """``draft_model`` plus the grounding validator (same schema, same title and description)."""
    namespace: dict[str, Any] = {
        "__doc__": draft_model.__doc__,  # the schema description the LLM reads
        "__module__": __name__,
        "model_config": ConfigDict(title="ExtractionDraft", extra="forbid"),
        "_grounded_in_the_article": model_validator(mode="after")(_check),
    }
    metaclass: Any = type(BaseModel)  # pydantic's: it collects the validator from the namespace
    name = f"Grounded{draft_model.__name__}"
    model: type[events_v1.ExtractionDraft] = metaclass(name, (draft_model,), namespace)
    return model


GroundedDraft = grounded_model(events_v1.ExtractionDraft)
