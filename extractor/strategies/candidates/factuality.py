"""Factuality from the dependency parse: is a trigger reported as having happened?

A trigger is **not** an event when it is negated ("did not attack", "no casualties"), modal or
future ("may strike", "will attack", "would retaliate"), hypothetical ("if they attack"), or the
object of a threat, warning, plan, demand or fear ("threatened to attack", "warned of attacks",
"called for a strike"). A noun trigger is presupposed by most verbs ("condemned the attack",
"will investigate the attack": the attack happened), so only intent verbs, "no", and the tense
of a verb of occurrence ("an attack will take place") can undo it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["non_factual"]

_MODAL: Final = frozenset({"may", "might", "could", "would", "should", "must", "can", "ought"})
_FUTURE: Final = frozenset({"will", "shall", "'ll", "wo"})
_CONDITION: Final = frozenset({"if", "unless", "whether"})
_NEGATORS: Final = frozenset({"no", "not", "never", "nobody", "none", "neither", "nor", "n't"})
#: Heads under which an action is intended, feared or demanded rather than reported.
_INTENT: Final = frozenset(
    {
        "threaten", "threat", "vow", "warn", "warning", "plan", "pledge", "promise", "demand", "call",
        "urge", "want", "seek", "intend", "prepare", "aim", "fear", "risk", "prevent", "avert", "foil",
        "thwart", "deny", "consider", "propose", "ask", "order", "try", "attempt", "plot", "vote",
        "decide", "expect", "possibility", "prospect", "chance", "allow", "permit",
    }
)  # fmt: skip
#: Verbs that only say that a noun event took place ("an attack occurred", "they launched a raid").
_OCCURRENCE: Final = frozenset(
    {"happen", "occur", "take", "carry", "launch", "conduct", "stage", "mount", "be", "hold", "unleash"}
)
#: Dependencies that stay inside the trigger's own clause when walking up the parse.
_INSIDE: Final = frozenset(
    {"prep", "pobj", "dobj", "compound", "amod", "nsubj", "nsubjpass", "attr", "xcomp", "pcomp", "nmod",
     "appos", "npadvmod", "acomp", "oprd", "agent", "dative"}
)  # fmt: skip


def _clause_marks(verb: Token) -> str | None:
    for child in verb.children:
        low = child.lower_
        if child.dep_ == "neg" or (child.dep_ in {"nsubj", "nsubjpass", "advmod"} and low in _NEGATORS):
            return "negated"
        if child.dep_ in {"aux", "auxpass"} and low in _FUTURE:
            return "future"
        if child.dep_ == "aux" and low in _MODAL:
            return "modal"
        if child.dep_ == "mark" and low in _CONDITION:
            return "hypothetical"
    if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _CONDITION for c in verb.children):
        return "hypothetical"
    return None


def non_factual(trigger: Token) -> str | None:
    """Why ``trigger`` is not a reported event ("negated", "future", ...), or ``None`` if it is one."""
    is_verb = trigger.pos_ in {"VERB", "AUX"}
    if is_verb:
        reason = _clause_marks(trigger)
        if reason:
            return reason
    elif any(c.dep_ in {"det", "neg"} and c.lower_ in _NEGATORS for c in trigger.children):
        return "negated"
    node = trigger
    for _ in range(6):
        if node.dep_ not in _INSIDE or node.head is node:
            break
        node = node.head
        if node.lemma_.lower() in _INTENT:
            return "threat, plan or demand"
        if node.pos_ in {"VERB", "AUX"}:
            if is_verb and trigger.dep_ == "xcomp":
                return _clause_marks(node)
            if not is_verb and node.lemma_.lower() in _OCCURRENCE:
                return _clause_marks(node)
            return None
    return None
