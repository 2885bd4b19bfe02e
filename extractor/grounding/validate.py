"""The re-ask validator: ``GroundedDraft`` is the response model sent to instructor.

It has the same JSON Schema as ``ExtractionDraft`` plus a validator that reads the article from
the validation context and applies the grounding rules (``rules.ground_event``) to every event;
any problem makes instructor re-ask with the list of problems.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, ValidationInfo, model_validator

from schemas.events_v1 import ExtractionDraft

from .rules import ground_event

__all__ = ["GroundedDraft", "draft_problems"]


def draft_problems(draft: ExtractionDraft, text: str) -> list[str]:
    """Every grounding problem across all events of a draft, each prefixed with its event's path."""
    return [
        problem.located(f"events[{i}]")
        for i, event in enumerate(draft.events)
        for problem in ground_event(event, text).problems
    ]


class GroundedDraft(ExtractionDraft):
    # ``ExtractionDraft`` whose quotes must be found in ``context["article"]`` (instructor re-asks
    # if not). The docstring is the parent's on purpose: it is the schema description the LLM reads.
    __doc__ = ExtractionDraft.__doc__

    model_config = ConfigDict(title="ExtractionDraft", extra="forbid")

    @model_validator(mode="after")
    def _quotes_are_in_the_article(self, info: ValidationInfo) -> GroundedDraft:
        context: dict[str, Any] | None = info.context
        if not context or "article" not in context:
            return self
        problems = draft_problems(self, str(context["article"]))
        if problems:
            raise ValueError(
                "Some quotes are not exact passages of the article. Fix or remove these events:\n- "
                + "\n- ".join(problems)
            )
        return self
