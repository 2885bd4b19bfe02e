"""Who a sentence cites: the reporting verbs, and the sources they attribute a statement to.

A source is never an actor (``roles``) and is the claimant of the figures in its clause (``claims``);
a date on a reporting verb dates the report, not the event (``when``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["REPORTING", "sources"]

#: Verbs and nouns that attribute a statement to a source.
REPORTING: Final = frozenset(
    {"say", "tell", "report", "claim", "announce", "state", "confirm", "add", "estimate", "accuse", "allege",
     "deny", "describe", "quote", "cite", "insist", "note", "write", "explain", "declare", "warn", "tweet",
     "publish", "testify", "disclose", "reveal", "acknowledge", "admit", "indicate", "suggest"}
)  # fmt: skip


def sources(sentence: SpacySpan) -> set[int]:
    """Token indices of whoever the sentence cites: subjects of reporting verbs, "according to X"."""
    cited: set[int] = set()
    for token in sentence:
        heads: list[Token] = []
        if token.lower_ == "according" and token.i + 1 < sentence.end:
            heads = [g for g in token.doc[token.i + 1].children if g.dep_ == "pobj"]
        elif token.lemma_.lower() in REPORTING and token.pos_ in {"VERB", "AUX"}:
            heads = [
                c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"} and token.lemma_ != "claim"
            ]
            heads += [g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        for head in heads:
            cited.update(t.i for t in head.subtree)
    return cited
