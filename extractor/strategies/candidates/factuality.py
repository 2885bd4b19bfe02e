"""Factuality from the dependency parse: is a trigger reported as having happened?

A trigger is **not** an event when it is negated ("did not attack", "no casualties"), modal or
future ("may strike", "will attack", "would retaliate"), hypothetical ("if they attack"), or the
object of a threat, warning, plan, demand or fear ("threatened to attack", "warned of attacks",
"called for a strike"). A noun trigger is presupposed by most verbs ("condemned the attack",
"will investigate the attack": the attack happened), so only intent verbs, "no", and the tense
of a verb of occurrence ("an attack will take place") can undo it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from .lexicon import find_triggers

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["PRESUPPOSING", "non_factual"]

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
        "decide", "expect", "possibility", "prospect", "chance", "allow", "permit", "refrain", "avoid",
        "cease", "stop", "halt", "deter", "retaliate", "if", "responsibility", "blame", "accuse",
        "oppose", "wary", "against", "condemn", "allege", "allegation", "accusation", "suspect", "rumour",
        "rumor", "report", "reports", "evidence", "sign", "claim", "role", "involvement", "participation",
        "complicity", "credit", "responsible",
    }
)  # fmt: skip
#: Of those, the heads that report an allegation rather than the event.
_ALLEGED: Final = frozenset(
    {"accuse", "allege", "allegation", "accusation", "suspect", "rumour", "rumor", "report", "reports",
     "evidence", "sign", "deny"}
)  # fmt: skip
#: Verbs whose complement clause is wanted, ordered, feared or denied, not reported as done
#: ("allowed the strikes to proceed", "ordered troops to attack", "denied that its planes struck").
_WILLED: Final = frozenset(
    {"threaten", "vow", "warn", "plan", "pledge", "promise", "demand", "call", "urge", "want", "seek",
     "intend", "prepare", "aim", "fear", "consider", "propose", "ask", "order", "try", "attempt", "plot",
     "decide", "expect", "allow", "permit", "refuse", "deny", "allege"}
)  # fmt: skip
#: Of those, the ones that count only as nouns ("reports of atrocities", not "were reported killed").
_NOUNS_ONLY: Final = frozenset(
    {"report", "reports", "evidence", "sign", "allegation", "accusation", "rumour", "rumor"}
)
#: Of those, the heads that presuppose the event (a claim of responsibility for it, blame for it):
#: the event is reported when it has a date of its own ("claimed the June 2 raid").
PRESUPPOSING: Final = frozenset(
    {"responsibility", "blame", "claim", "condemn", "role", "involvement", "participation", "complicity",
     "credit", "responsible"}
)  # fmt: skip
#: Prepositions that make an event noun the backdrop of another statement ("during the fighting",
#: "amid protests", "since the attack"): a time reference, not a report of the event.
_BACKDROP: Final = frozenset({"during", "amid", "amidst", "since", "throughout", "despite"})
#: Heads that make a plural event noun habitual ("inured to raids", "used to shelling").
_HABIT: Final = frozenset({"accustom", "accustomed", "habituate", "used", "familiar", "prone", "vulnerable"})
#: Words that make a plural trigger a count of many events, not one ("repeated attacks", "scores of raids").
_AGGREGATE: Final = frozenset(
    {"repeated", "recent", "frequent", "numerous", "several", "multiple", "previous", "past", "earlier",
     "further", "additional", "similar", "such", "many", "countless", "regular", "daily", "nightly",
     "score", "dozen", "hundred", "series", "string", "spate", "wave", "number", "campaign", "pattern",
     "increase", "rise", "escalate", "surge", "mount", "continue", "decline", "decrease", "day", "week",
     "month", "year", "decade"}
)  # fmt: skip
_SPELL: Final = re.compile(r"\b(?:over|during|in)\s+the\s+(?:past|last)\b|\bsince\b|\bso\s+far\b", re.I)
_PRESENT: Final = frozenset({"VBZ", "VBP"})
#: Heads under which a weapon is owned, stored or traded rather than used ("depots that held rockets").
_POSSESSION: Final = frozenset(
    {"hold", "store", "possess", "have", "supply", "provide", "sell", "buy", "acquire", "develop", "produce",
     "manufacture", "ship", "deliver", "own", "keep", "contain", "stockpile", "import", "export", "purchase"}
)  # fmt: skip
#: Verbs that only say that a noun event took place ("an attack occurred", "they launched a raid").
_OCCURRENCE: Final = frozenset(
    {"happen", "occur", "take", "carry", "launch", "conduct", "stage", "mount", "be", "hold", "unleash"}
)
#: Dependencies that stay inside the trigger's own clause when walking up the parse.
_INSIDE: Final = frozenset(
    {"prep", "pobj", "dobj", "compound", "amod", "nsubj", "nsubjpass", "attr", "xcomp", "pcomp", "nmod",
     "appos", "npadvmod", "acomp", "oprd", "agent", "dative", "conj"}
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


def _aggregate(noun: Token) -> bool:
    if noun.tag_ not in {"NNS", "NNPS"}:
        return False
    if noun.dep_ == "pobj" and noun.head.head.lemma_.lower() in _HABIT:
        return True
    if any(c.lemma_.lower() in _AGGREGATE for c in noun.children if c.dep_ in {"amod", "det", "nummod"}):
        return True
    if any(c.dep_ == "nummod" for c in noun.children) and _SPELL.search(noun.sent.text):
        return True  # "11 attacks over the past two months"
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "of":
        head = head.head
    return head.i != noun.i and head.lemma_.lower() in _AGGREGATE


def _told(word: Token) -> bool:
    """Whether ``word`` is itself an event word ("killed during protests": the protests are its setting)."""
    return bool(find_triggers(word.text))


_SPANS: Final = frozenset({"year", "decade", "month", "week", "century"})


def _many_times(verb: Token) -> bool:
    """A verb counted over several occasions ("attacked more than 150 times", "struck dozens of times")."""
    for child in verb.children:
        if child.lower_ == "times" and any(
            g.lower_ not in {"one", "1"} for g in child.children if g.dep_ in {"nummod", "amod", "quantmod"}
        ):
            return True
        if (
            child.dep_ == "prep"
            and child.lower_ == "since"
            and not any(g.pos_ in {"VERB", "AUX"} for g in child.subtree)
        ):
            return True  # "attacked since October": a period, not an occasion
        if child.dep_ == "prep" and child.lower_ in {"over", "during", "for", "in", "across"}:
            spans = [g for g in child.children if g.dep_ == "pobj"]
            if any(g.lemma_.lower() in _SPANS and g.tag_ == "NNS" for g in spans):
                return True  # "killed 800 people over three decades"
    return False


def _ongoing(noun: Token) -> bool:
    """A plural event noun whose verb is a present progressive or perfect passive ("the protests have
    been directed at", "attacks are continuing"): a run of events, not one."""
    verb = noun.head
    if noun.dep_ not in {"nsubj", "nsubjpass"} or verb.pos_ not in {"VERB", "AUX"}:
        return False
    aux = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    present = [a for a in aux if a.tag_ in _PRESENT]
    return bool(present) and any(a.lemma_ == "be" for a in aux)


def _negated_above(verb: Token) -> bool:
    """Whether ``verb`` or the verbs it complements ("not able to confirm") are negated."""
    node = verb
    for _ in range(3):
        if any(c.dep_ == "neg" for c in node.children):
            return True
        if node.dep_ not in {"xcomp", "acomp"} or node.head.i == node.i:
            return False
        node = node.head
    return False


def _present_simple(verb: Token) -> bool:
    """A verb in the simple present ("kills", "are killed"): a generic or habitual statement."""
    if verb.tag_ in _PRESENT:
        return True
    return any(c.dep_ == "auxpass" and c.tag_ in _PRESENT for c in verb.children)


def non_factual(trigger: Token) -> str | None:
    """Why ``trigger`` is not a reported event ("negated", "future", ...), or ``None`` if it is one."""
    is_verb = trigger.pos_ in {"VERB", "AUX"}
    while not is_verb and trigger.dep_ == "compound" and trigger.head.i != trigger.i:
        trigger = trigger.head  # "rocket attacks": the event noun is "attacks"
    if is_verb:
        reason = _clause_marks(trigger)
        if reason:
            return reason
        if _many_times(trigger):
            return "many events counted together"
        if trigger.dep_ in {"ccomp", "xcomp"} and trigger.head.lemma_.lower() in _WILLED:
            return "denial" if trigger.head.lemma_.lower() == "deny" else "threat, plan or demand"
        if _present_simple(trigger):
            return "generic or habitual (present tense)"
        if trigger.dep_ == "ccomp" and _negated_above(trigger.head):
            return "negated report"
    elif any(c.dep_ in {"det", "neg"} and c.lower_ in _NEGATORS for c in trigger.children):
        return "negated"
    elif _aggregate(trigger):
        return "many events counted together"
    first = trigger
    for _ in range(4):  # "amid strikes and marches", "during the worst week of the siege"
        if first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        elif first.dep_ == "pobj" and first.head.lower_ == "of" and first.head.head.pos_ == "NOUN":
            first = first.head.head
        else:
            break
    if not is_verb and first.dep_ == "pobj" and first.head.lower_ in _BACKDROP and not _told(first.head.head):
        return "background (a time reference)"
    if not is_verb and trigger.tag_ in {"NNS", "NNPS"} and _ongoing(trigger):
        return "many events counted together (ongoing)"
    node = trigger
    for _ in range(6):
        if node.dep_ not in _INSIDE or node.head.i == node.i:
            break
        node = node.head
        if node.lemma_.lower() in _INTENT and (node.pos_ == "NOUN" or node.lemma_.lower() not in _NOUNS_ONLY):
            if node.lemma_.lower() in PRESUPPOSING:
                return "statement about it (claim of responsibility, blame, condemnation)"
            if node.lemma_.lower() in _ALLEGED:
                return "allegation, accusation or report of it"
            return "threat, plan or demand"
        if not is_verb and node.lemma_.lower() in _POSSESSION:
            return "weapons held or traded, not used"
        if node.pos_ in {"VERB", "AUX"}:
            if node.dep_ in {"xcomp", "ccomp"} and node.head.lemma_.lower() in _WILLED:
                return (
                    "threat, plan or demand"  # "allowed the strikes to proceed", "ordered troops to attack"
                )
            if is_verb and trigger.dep_ == "xcomp":
                return _clause_marks(node)
            if not is_verb and node.lemma_.lower() in _OCCURRENCE:
                return _clause_marks(node)
            return None
    return None
