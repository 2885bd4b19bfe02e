"""Event mentions of one article: sentences with a factual conflict trigger, and their field candidates.

The article is read as ``layout.prepare`` lays it out (wrapped lines joined, a headline line and a
dateline kept apart from the lead). A sentence is a spaCy sentence that ends like one or is long
enough to be prose (a short headline, list item or caption is not read). ``sentence`` finds the
events it reports; a trigger the parse shows is not a reported event (``factuality``) is excluded
with its reason (a word in a clause on such an event noun with it: "amid protests that left 40
dead"), and so is a mention whose only date is a year ("date unresolvable", guideline 3.7).

Every field comes from the event predicate's parse (``roles``, ``when``, ``where``, ``claims``), in
the article's own words. Text that does not read as English yields nothing and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING, Final

from schemas.events_v1 import SubEventType
from schemas.events_v3 import CasualtyDraft

from .claims import Detention, claims_in, detentions_in
from .english import looks_english
from .factuality import non_factual
from .layout import prepare
from .lexicon import GENERIC, MODE, NOT_CONFLICT, PROTEST, STRATEGIC, find_triggers
from .nlp import parse
from .ranking import rank_types
from .reporting import sources
from .roles import actor_roles, other_parties
from .sentence import RAID, Factual, Hit, by_target, events_of, owned, predicate_of, triggers
from .spans import PREPARED, offsets, words
from .story import filed_in, relative_dates
from .when import WEAK_SOURCES, anchored, clause_head, date_candidates, past
from .where import location_candidates

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["Candidates", "Mention", "Rejected", "find_mentions"]

_SENTENCE_END: Final = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s*$")
#: A line this long is prose even without closing punctuation (a snippet, a cut-off lede).
_MIN_PROSE_WORDS: Final = 12
#: The lead: a story's first sentences, which tell its main event.
_LEAD_SENTENCES: Final = 3
#: Actor options offered to an adjudicator: the predicate's own arguments first (code's choice).
_ACTOR_OPTIONS: Final = 4
#: Reasons that do not hold for a mention whose own date is given ("since the May 2011 raid").
_DATED_OK: Final = ("statement about it", "many events", "background")


@dataclasses.dataclass(frozen=True)
class Mention:
    """One event as code proposes it: evidence sentences and ranked candidates for every field.

    ``actors1`` / ``actors2`` start with the predicate's own arguments (``roles`` of them: code's
    choice when no LLM adjudicates) and go on with other parties the sentence names (options for
    an adjudicator). ``date_source`` says where the first date hangs (``when.DATE_SOURCES``).
    """

    evidence: tuple[str, ...]
    start: int
    trigger: str
    tier: int
    types: tuple[SubEventType, ...]
    dates: tuple[str, ...]
    locations: tuple[tuple[str, str | None], ...]
    actors1: tuple[str, ...]
    actors2: tuple[str, ...]
    claims: tuple[CasualtyDraft, ...]
    paragraph: int
    roles: tuple[int, int] = (0, 0)
    date_source: str | None = None
    date_precision: str | None = None
    detentions: tuple[Detention, ...] = ()
    anchored: bool = False
    end: int = 0
    positions: tuple[int, ...] = ()
    lead: bool = False
    past: bool = False


@dataclasses.dataclass(frozen=True)
class Rejected:
    """A sentence with triggers none of which is a reported event, and why."""

    sentence: str
    start: int
    trigger: str
    reason: str


@dataclasses.dataclass(frozen=True)
class Candidates:
    """What code proposes for one article."""

    mentions: tuple[Mention, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    notes: tuple[str, ...] = ()
    merged: int = 0
    filed_in: str | None = None


def _headline(line: str) -> bool:
    """A short line that does not end like a sentence: a headline, a caption or a list item."""
    return not _SENTENCE_END.search(line) and len(line.split()) < _MIN_PROSE_WORDS


def _trimmed(sent: SpacySpan) -> SpacySpan | None:
    """``sent`` without leading or trailing whitespace tokens."""
    start, end = sent.start, sent.end
    doc = sent.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end] if end > start else None


def _dated(predicate: Token, sent: SpacySpan, published: dt.date | None, why: str) -> bool:
    """Whether a date of its own hangs on the predicate: a day for events counted together ("a series of
    attacks on June 2"), a day or a month otherwise."""
    dated = date_candidates(predicate, sent, None, published)
    precisions = {"day"} if why.startswith("many events") else {"day", "month"}
    return dated.source == "predicate" and dated.precision in precisions


def _inherited(word: Token, judged: dict[int, str | None]) -> str | None:
    """The reason an event noun is not an event, for a word in a clause on that noun ("amid protests
    that left 500 people dead": the deaths are the protests' own, a backdrop too)."""
    clause = clause_head(word)
    if clause.dep_ in {"relcl", "acl"}:
        return judged.get(clause.head.i)
    return None


def _paragraph(sent: SpacySpan, paragraphs: list[tuple[int, int]]) -> int:
    for j, (a, b) in enumerate(paragraphs):
        if a <= sent.start_char < b:
            return j
    return len(paragraphs) - 1


def _mentions(
    sent: SpacySpan,
    hits: list[Hit],
    published: dt.date | None,
    paragraph: SpacySpan,
    *,
    index: int,
    lead: bool,
) -> list[Mention] | Rejected:
    factual: list[Factual] = []
    unreal: list[Token] = []
    reason = ""
    judged: dict[int, str | None] = {}
    for span, trigger in hits:
        why = non_factual(span.root)
        if (
            why is not None
            and why.startswith(_DATED_OK)
            and _dated(predicate_of(span, trigger), sent, published, why)
        ):
            why = None  # "claimed the June 2 raid", "a series of attacks on June 2": one dated event
        judged[span.root.i] = why
    for span, trigger in hits:
        predicate = predicate_of(span, trigger)
        why = judged[span.root.i] or _inherited(span.root, judged)
        if why is None and trigger.instrument and predicate.i == span.root.i:
            why = "weapon or vehicle named, no use of it reported"
        if why is None:
            factual.append(Factual(span, trigger, predicate))
            continue
        unreal.append(span.root)
        reason = reason or why
    events = [f for f in factual if not f.trigger.instrument or f.predicate.i != f.span.root.i]
    first = hits[0].span
    if not events:
        return Rejected(words(sent), offsets(sent)[0], words(first), reason or "not an event")
    best_tier = min(t.tier for _, t, _ in factual)
    if best_tier != PROTEST and NOT_CONFLICT.search(sent.text):
        return Rejected(words(sent), offsets(sent)[0], words(first), "a disaster, accident or crime")
    arrests = [h for h in factual if h.trigger.event_type == "Arrests"]
    if arrests and all(
        t.tier == GENERIC and RAID.fullmatch(s.text.lower()) for s, t, _ in factual if t.tier < STRATEGIC
    ):
        factual = arrests  # a raid in which people are detained is an arrest operation
    chosen = events_of(factual)
    claims = owned(claims_in(sent), sent, chosen, unreal)
    cited = sources(sent)
    mentions: list[Mention] = []
    for span, trigger, used in chosen:
        predicate = used
        if trigger.instrument and used.i == span.root.i:
            predicate = next((p for s, t, p in events), used)
        weaker = [t for _, t, _ in factual if len(chosen) == 1 or t.tier > MODE]
        role1, role2 = actor_roles(predicate, cited, range(span.start, span.end))
        parties = other_parties(sent, predicate, cited)
        types = rank_types([trigger, *weaker], sent.text)
        if trigger.tier == GENERIC and role2:
            types = by_target(types, role2[0])
        if types[0] == "Peaceful protest":
            role2 = []  # a peaceful protest is directed at no one in ACLED's sense
        mine = [c for owner, c in claims if owner is span]
        elsewhere = frozenset(t.i for s, _t, p in chosen for t in (s.root, p) if p.i != predicate.i)
        dated = date_candidates(predicate, sent, paragraph, published, elsewhere)
        clause = clause_head(predicate)
        mentions.append(
            Mention(
                evidence=(words(sent),),
                start=offsets(sent)[0],
                end=offsets(sent)[1],
                positions=(offsets(sent)[0],),
                trigger=words(span),
                tier=trigger.tier,
                types=types,
                dates=dated.texts,
                date_source=dated.source,
                date_precision=dated.precision,
                locations=location_candidates(sent, predicate, clause),
                actors1=tuple([*role1, *(p for p in parties if p not in role1)][:_ACTOR_OPTIONS]),
                actors2=tuple([*role2, *(p for p in parties if p not in role2)][:_ACTOR_OPTIONS]),
                roles=(len(role1), len(role2)),
                claims=tuple(mine),
                detentions=detentions_in(sent),
                paragraph=index,
                anchored=anchored(predicate),
                lead=lead,
                past=past(clause),
            )
        )
    return mentions


def find_mentions(text: str, published: dt.date | None) -> Candidates:
    """Every sentence of ``text`` with a conflict trigger: a ``Mention``, or ``Rejected`` with the reason."""
    if all(_headline(line.strip()) for line in text.splitlines() if line.strip()):
        return Candidates(
            notes=("no line ends like a sentence (a list of headlines or captions?): nothing proposed",)
        )
    if not looks_english(text):
        return Candidates(
            notes=("the text does not read as English prose; the candidates strategy reads English only",)
        )
    prepared = prepare(text)
    # a long text: paragraphs where no trigger occurs are only tokenized (nlp.parse)
    doc = parse(prepared.text, needed=lambda paragraph: bool(find_triggers(paragraph)))
    doc.user_data[PREPARED] = prepared
    bounds = [0, *(m.end() for m in re.finditer(r"\n\n", prepared.text)), len(prepared.text) + 1]
    paragraphs = list(itertools.pairwise(bounds))
    mentions: list[Mention] = []
    rejected: list[Rejected] = []
    read = 0
    for whole in doc.sents:
        sent = _trimmed(whole)
        if sent is None or len(sent.text) < 12 or _headline(sent.text):
            continue
        read += 1
        hits = triggers(sent)
        if not hits:
            continue
        index = _paragraph(sent, paragraphs)
        a, b = paragraphs[index]
        paragraph = doc.char_span(a, max(a, b - 1), alignment_mode="expand") or sent
        found = _mentions(sent, hits, published, paragraph, index=index, lead=read <= _LEAD_SENTENCES)
        if isinstance(found, Rejected):
            rejected.append(found)
            continue
        for mention in found:
            if mention.date_precision == "year" and mention.date_source not in WEAK_SOURCES:
                rejected.append(
                    Rejected(
                        mention.evidence[0], mention.start, mention.trigger, "date unresolvable (a year only)"
                    )
                )
            else:
                mentions.append(mention)
    notes: list[str] = []
    country = filed_in(prepared)
    if published is None and mentions and (relative := relative_dates(doc)):
        notes.append(
            f"no publication date: relative dates ({', '.join(repr(r) for r in relative[:3])}) could not be "
            "resolved and the events they date are undated; give the article's published date"
        )
    if read == 0:
        notes.append("no sentence found (a list of headlines or captions?): nothing proposed")
    elif not mentions:
        notes.append("no sentence reports a conflict event")
    return Candidates(tuple(mentions), tuple(rejected), tuple(notes), filed_in=country)
