"""The keep/drop step's bookkeeping: what the rules removed, written into ``Diagnostics``.

The verdict itself is the ``GroundedEvent`` (``rules.ground_event``): the pipeline keeps its
spans and drops the event when no evidence was found. Here each ``Problem`` becomes what a user
reads: the dropped event, a warning, or a dropped-claim count.
"""

from __future__ import annotations

from schemas.events_v3 import Diagnostics, DroppedEvent

from .rules import GroundedEvent

__all__ = ["record_problems"]


def _short(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:77] + "...")


def record_problems(grounded: GroundedEvent, diagnostics: Diagnostics) -> None:
    """Write what the keep/drop step did with ``grounded``'s problems into ``diagnostics``."""
    draft = grounded.draft
    if not grounded.kept:
        diagnostics.dropped.append(
            DroppedEvent(
                event_type=draft.event_type,
                quotes=[q[:300] for q in draft.evidence],
                reason="evidence not found in the article: no quote matched after normalisation",
            )
        )
        return
    kinds = [p.kind for p in grounded.problems]
    removed = kinds.count("evidence_too_short") + kinds.count("evidence_not_found")
    if removed:
        diagnostics.warnings.append(
            f"{draft.event_type}: {removed} evidence quote(s) not found in the article were removed"
        )
    diagnostics.claims_dropped += kinds.count("claim_not_found") + kinds.count("claim_figure_absent")
    for problem in grounded.problems:
        if problem.kind == "date_not_found":
            diagnostics.warnings.append(
                f"{draft.event_type}: date expression {_short(draft.date_text or '')} is not in the article "
                "and was not used"
            )
        elif problem.kind == "name_not_found":
            diagnostics.warnings.append(
                f"{draft.event_type}: {problem.path} is not in the article and was set to null"
            )
        elif problem.kind == "detention_figure_absent":
            diagnostics.warnings.append(f"{draft.event_type}: {problem.message}; the count was dropped")
        elif problem.kind == "country_unknown":
            diagnostics.warnings.append(
                f"{draft.event_type}: {problem.path} is not a country and was dropped"
            )
