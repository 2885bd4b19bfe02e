"""The event's own date: the time expression on the event predicate, then its clause, sentence, paragraph.

A date expression (a DATE or TIME entity that ``resolve_date`` resolves) is ranked by where it hangs
in the parse: on the predicate itself ("attacked ... late on Saturday", or a clause on the event
noun: "the raid, carried out on Monday"), then anywhere in the predicate's clause, then elsewhere
in the sentence, then in the paragraph. A date that hangs on a reporting verb ("police said on
Sunday") dates the report, not the event: it is used only when nothing else dates the event, and
the mention says so (``source`` "report"). A date in a clause on another event word of the
sentence ("strikes on a militia behind a rocket attack that killed a guard last week") is that
event's, never this one's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Final

from ...derive.dates import resolve_date
from .lexicon import find_triggers
from .reporting import REPORTING
from .spans import entities, words

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = [
    "ANCHOR",
    "DATE_SOURCES",
    "WEAK_SOURCES",
    "DatedBy",
    "anchored",
    "clause_head",
    "date_candidates",
    "past",
]

_DATE_LABELS: Final = frozenset({"DATE", "TIME"})
#: Where a date expression hangs, most specific first.
DATE_SOURCES: Final = ("predicate", "clause", "sentence", "anchor", "report", "paragraph", "publication")
#: Dates that do not hang on the event: used when nothing better dates it, never to tell events apart.
WEAK_SOURCES: Final = frozenset({"report", "paragraph", "publication"})
#: Auxiliaries of a clause about the future or a possibility: its date is not an event's.
_UNREAL: Final = frozenset({"will", "shall", "'ll", "would", "may", "might", "could", "should", "must"})
_CLAUSES: Final = frozenset({"ccomp", "advcl", "relcl", "acl", "xcomp", "conj", "parataxis", "csubj"})
_MAX_CANDIDATES: Final = 3
_PERIOD: Final = frozenset({"since", "until", "till", "through", "throughout", "over", "from", "for"})
_PERIOD_WORDS: Final = (
    "since ",
    "until ",
    "over the ",
    "for the past",
    "in the past",
    "in recent",
    "the past ",
)


@dataclasses.dataclass(frozen=True)
class DatedBy:
    """Date expressions for a mention (the article's words), best first, and where the first hangs."""

    texts: tuple[str, ...] = ()
    source: str | None = None
    precision: str | None = None


def clause_head(token: Token) -> Token:
    """The verb of the clause ``token`` is in (``token`` itself for a verb); a participle with no
    subject of its own (", killing four farmers") belongs to the clause of the verb it hangs on."""
    node = token
    for _ in range(12):
        if node.pos_ in {"VERB", "AUX"} or node.head.i == node.i:
            break
        node = node.head
    if (
        node.pos_ in {"VERB", "AUX"}
        and node.dep_ in {"advcl", "xcomp", "conj"}
        and node.tag_ == "VBG"
        and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in node.children)
    ):
        return node.head
    return node


def _period(date: SpacySpan) -> bool:
    """A period opened or spanned, not a date ("since January", "until March", "over the past week")."""
    head = date.root.head
    return (date.root.dep_ == "pobj" and head.lower_ in _PERIOD) or date.text.lower().startswith(
        _PERIOD_WORDS
    )


def _where(
    date: SpacySpan, predicate: Token, clause: Token, others: frozenset[int] = frozenset()
) -> str | None:
    """Where the date hangs (a ``DATE_SOURCES`` name), or ``None`` when it dates an unreal clause or,
    hanging on another event word of the sentence (``others``) or in a clause on one, that other
    event."""
    node = date.root
    for _ in range(12):
        if node == predicate:
            return "predicate"
        if node.i in others:
            return None
        if node == clause:
            return "clause"
        if node.pos_ in {"VERB", "AUX"} and any(
            c.dep_ == "aux" and c.lower_ in _UNREAL for c in node.children
        ):
            return None  # "the council will vote on Friday": not the date of anything that happened
        if node.pos_ in {"VERB", "AUX"} and node.lemma_.lower() in REPORTING:
            return "report"
        if node.head.i == node.i:
            break
        if node.dep_ in _CLAUSES and node.pos_ in {"VERB", "AUX"} and node != date.root:
            if node.dep_ in {"relcl", "acl"} and node.head == predicate:
                return "predicate"  # "the raid, carried out on Monday": a clause on the event noun
            if node.dep_ in {"relcl", "acl"} and find_triggers(node.head.text):
                return None  # "a rocket attack that killed a guard last week": the attack's date
            break  # another clause's own date
        node = node.head
    return "sentence"


def date_candidates(
    predicate: Token,
    sentence: SpacySpan,
    paragraph: SpacySpan | None,
    published: dt.date | None,
    others: frozenset[int] = frozenset(),
) -> DatedBy:
    """Date expressions for the event of ``predicate``, ranked by attachment (see the module docstring).

    ``others``: token indices of the sentence's other event words, whose dates are theirs.
    """
    clause = clause_head(predicate)
    ranked: list[tuple[int, int, str, str | None]] = []
    for ent in entities(sentence):
        if ent.label_ not in _DATE_LABELS or _period(ent):
            continue
        resolved = resolve_date(ent.text, published)
        if resolved.value is None:
            continue
        where = _where(ent, predicate, clause, others)
        if where is None:
            continue
        ranked.append(
            (DATE_SOURCES.index(where), abs(ent.start - predicate.i), words(ent), resolved.precision)
        )
    if not ranked and paragraph is not None:
        for ent in entities(paragraph):
            if ent.label_ in _DATE_LABELS and not (sentence.start <= ent.start < sentence.end):
                resolved = resolve_date(ent.text, published)
                own = clause_head(ent.root)
                if resolved.value is None or resolved.precision == "year" or _where(ent, own, own) is None:
                    continue  # a year alone, or a date of what will or may happen, dates nothing here
                rank = DATE_SOURCES.index("paragraph")
                ranked.append((rank, abs(ent.start - predicate.i), words(ent), resolved.precision))
    ranked.sort(key=lambda r: (r[0], r[1]))
    texts: list[str] = []
    for _rank, _distance, text, _precision in ranked:
        if text not in texts:
            texts.append(text)
    if not ranked:
        return DatedBy()
    return DatedBy(tuple(texts[:_MAX_CANDIDATES]), DATE_SOURCES[ranked[0][0]], ranked[0][3])


#: Words that tie an undated clause to the event told before it ("was later killed", "hours after").
ANCHOR: Final = frozenset(
    {
        "later",
        "afterwards",
        "afterward",
        "after",
        "then",
        "following",
        "subsequently",
        "thereafter",
        "shortly",
    }
)


def past(verb: Token) -> bool:
    """Whether the clause reports something done: a simple past ("carried out") or a present perfect."""
    if verb.tag_ == "VBD":
        return not any(c.dep_ == "aux" for c in verb.children)
    aux = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    return verb.tag_ == "VBN" and bool(aux) and all(a.lemma_ in {"have", "be"} for a in aux)


def _anchors(word: Token) -> bool:
    """Whether an "after"/"later" word ties its clause to another event: "later" alone, "after" a
    clause or an event ("after shooting the ambassador", "hours after the strikes"), not "after
    months of tensions"."""
    if word.lower_ not in ANCHOR:
        return False
    if word.dep_ in {"advmod", "npadvmod", "mark"}:
        return True
    objects = [g for g in word.children if g.dep_ in {"pobj", "pcomp"}]
    return any(o.pos_ in {"VERB", "AUX"} or find_triggers(o.text) for o in objects) or any(
        g.lower_ in {"hours", "minutes", "days", "shortly", "moments", "soon"} for g in word.children
    )


def anchored(predicate: Token) -> bool:
    """Whether the predicate's clause is told relative to another event ("later", "after ...")."""
    clause = clause_head(predicate)
    heads = {predicate.i: predicate, clause.i: clause}
    if clause.dep_ == "conj":
        heads[clause.head.i] = clause.head  # "was later searched and ... were detained"
    for head in heads.values():
        for child in head.children:
            if child.dep_ in {"advmod", "prep", "mark", "npadvmod"} and _anchors(child):
                return True
            if child.dep_ == "advcl" and any(
                _anchors(g) for g in child.children if g.dep_ in {"mark", "advmod"}
            ):
                return True
    return False
