"""Event mentions of one article: sentences with a factual conflict trigger, and their field candidates.

The article is read as ``layout.prepare`` lays it out (wrapped lines joined, a headline line and a
dateline kept apart from the lead). A sentence is a spaCy sentence that ends like one or is long
enough to be prose (a short headline, list item or caption is not read). In each sentence:

* a trigger (``lexicon``) that is part of a name or a date ("the Government of National Accord",
  "March 29") or that only modifies another noun ("riot police") is not a trigger;
* an instrument alone (a drone, rockets, a car bomb) is an event only when the sentence says it
  was used; otherwise it only decides the type of the sentence's event;
* a trigger the parse shows is not a reported event (``factuality``) is excluded with its reason,
  and so is a mention whose only date is a year ("date unresolvable"), as the gold guidelines do.

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

from ...derive.dates import resolve_date
from .claims import Detention, claims_in, detentions_in
from .factuality import non_factual
from .layout import Prepared, prepare
from .lexicon import (
    CIVILIAN_TARGET,
    EXPLOSIVE,
    FORCES,
    GENERIC,
    MODE,
    NOT_CONFLICT,
    STRATEGIC,
    Trigger,
    find_triggers,
)
from .nlp import parse
from .places import country_of_place, country_of_text
from .ranking import rank_types
from .roles import actor_roles, sources
from .spans import PREPARED, entity_of, offsets, words
from .when import WEAK_SOURCES, clause_head, date_candidates
from .where import location_candidates

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

__all__ = ["Candidates", "Mention", "Rejected", "find_mentions", "looks_english"]

_SENTENCE_END: Final = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s*$")
_WORD: Final = re.compile(r"[^\W\d_]+")
#: Common English function words; prose in English has far more than this share of them.
_FUNCTION_WORDS: Final = frozenset(
    {"the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or", "but", "was",
     "were", "is", "are", "be", "been", "has", "have", "had", "that", "which", "who", "it", "its", "their",
     "they", "he", "she", "said", "after", "as", "not", "this", "his", "her", "them", "we", "than", "there",
     "when", "while", "into", "about", "against", "near", "outside", "during", "over", "under", "between",
     "will", "would", "could", "also", "some", "other", "before", "since", "until", "where"}
)  # fmt: skip
_MIN_ENGLISH_SHARE: Final = 0.12
_MIN_WORDS: Final = 3
#: A line this long is prose even without closing punctuation (a snippet, a cut-off lede).
_MIN_PROSE_WORDS: Final = 12
#: The lead: a story's first sentences, which tell its main event.
_LEAD_SENTENCES: Final = 3
#: Nouns that tell another event as the cause of the sentence's own ("in retaliation for").
_PROVOKING: Final = frozenset({"retaliation", "response", "revenge", "reprisal", "retribution", "answer"})
#: Generic violence this many words from a named kind is told of it ("shelled the town, killing three").
_GENERIC_REACH: Final = 12
#: Entities a trigger inside of is part of a name or a date, not an event word.
_NAME_LABELS: Final = frozenset(
    {"DATE", "TIME", "ORG", "PERSON", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"}
)
#: Verbs that say an instrument was used: with one of these, "rockets" or "a drone" is an event.
_USE: Final = frozenset(
    {"fire", "launch", "drop", "throw", "hurl", "lob", "plant", "detonate", "explode", "land", "hit",
     "strike", "kill", "wound", "injure", "target", "rain", "pound", "bomb", "shell", "blow", "crash",
     "slam", "shoot", "go", "destroy", "damage"}
)  # fmt: skip
#: Reasons that do not hold for a mention whose own date is given ("since the March 2016 attack").
_DATED_OK: Final = ("statement about it", "many events", "background")
_RAID: Final = re.compile(r"raid(?:s|ed|ing)?|search(?:es|ed)?|storm(?:ed)?")
#: Words that tie an undated clause to the event told before it ("was later killed", "hours after").
_ANCHOR: Final = frozenset(
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


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English prose (share of English function words among its words)."""
    found = [w.lower() for w in _WORD.findall(text)]
    if len(found) < _MIN_WORDS:
        return False
    return sum(w in _FUNCTION_WORDS for w in found) / len(found) >= _MIN_ENGLISH_SHARE


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


_Hit = tuple["SpacySpan", Trigger]


def _triggers(sent: SpacySpan) -> list[_Hit]:
    """The sentence's trigger words, without those inside names and dates or modifying another noun."""
    hits: list[_Hit] = []
    for start, end, trigger in find_triggers(sent.text):
        span = sent.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        entity = entity_of(span.root)
        if entity is not None and entity.label_ in _NAME_LABELS:
            continue
        root = span.root
        if (
            root.dep_ == "compound"
            and not find_triggers(root.head.text)
            and root.head.pos_ in {"NOUN", "PROPN"}
        ):
            continue  # "riot police", "protest leaders": the head noun is not an event
        hits.append((span, trigger))
    return hits


def _used(instrument: Token) -> Token | None:
    """The verb that says the instrument was used ("fired rockets", "a drone struck"), if any."""
    node = instrument
    while node.dep_ in {"compound", "conj", "appos"} and node.head.i != node.i:
        node = node.head
    head = node.head
    if node.dep_ == "pobj" and head.head.i != head.i:
        head = head.head  # "killed by a roadside bomb", "attacked with rockets"
    if head.pos_ in {"VERB", "AUX"} and head.lemma_.lower() in _USE:
        return head
    return None


def _predicate(span: SpacySpan, trigger: Trigger) -> Token:
    """The token whose arguments are the event's: the trigger's head word, or the verb using an instrument."""
    root = span.root
    while root.dep_ == "compound" and root.head.i != root.i and root.head.pos_ in {"NOUN", "PROPN"}:
        root = root.head  # "rocket attack": the event noun is "attack"
    if trigger.instrument:
        return _used(root) or root
    return root


def _near(a: Token, b: Token, steps: int = 2) -> bool:
    """Whether two words are at most ``steps`` dependency edges apart (one describes the other's event)."""
    seen = {a.i: 0}
    frontier = [a]
    for depth in range(1, steps + 1):
        nxt = []
        for token in frontier:
            for other in (token.head, *token.children):
                if other.i not in seen:
                    seen[other.i] = depth
                    nxt.append(other)
        frontier = nxt
    return b.i in seen


_Factual = tuple["SpacySpan", Trigger, "Token"]


def _another_event(word: Token) -> bool:
    """Whether a word is told as an earlier or provoking event ("in retaliation for a rocket attack",
    "after the bombing"): then the sentence's own verb of violence is an event of its own."""
    node = word
    for _ in range(6):
        if node.head.i == node.i:
            return False
        node = node.head
        if node.lemma_.lower() in _PROVOKING or (node.dep_ in {"prep", "mark"} and node.lower_ in _ANCHOR):
            return True
    return False


def _same_kind(a: _Factual, b: _Factual) -> bool:
    """Words of one type, or generic violence beside a named kind: one event unless far apart in text."""
    if a[1].event_type == b[1].event_type:
        return True
    return GENERIC in (a[1].tier, b[1].tier) and abs(a[2].i - b[2].i) <= _GENERIC_REACH


def _events_of(factual: list[_Factual]) -> list[_Factual]:
    """The events a sentence reports: one per named mode, kind or explosion of its own.

    Words of different types far apart in the parse ("strikes on sites of the militia that was
    behind a rocket attack") are different events; words close together ("a drone strike killed")
    describe one, whose type the strongest word decides.
    """
    disrupted = [h for h in factual if h[1].event_type == "Disrupted weapons use"]
    named = [h for h in factual if h[1].tier <= EXPLOSIVE]
    told_apart = bool(named) and all(_another_event(h[2]) for h in named)
    pool = disrupted or [
        h
        for h in factual
        if h[1].tier <= EXPLOSIVE or (told_apart and h[1].tier == GENERIC and h[2].dep_ == "ROOT")
    ]
    ranked = sorted(pool, key=lambda h: (h[1].tier, h[1].instrument, h[0].start))
    chosen: list[_Factual] = []
    for hit in ranked:
        answering = told_apart and hit[1].tier == GENERIC  # its own event, however close in the text
        if any((_same_kind(hit, c) and not answering) or _near(hit[2], c[2]) for c in chosen):
            continue
        chosen.append(hit)
    if not chosen:
        chosen = [min(factual, key=lambda h: (h[1].tier, h[1].instrument))]
    return sorted(chosen, key=lambda h: h[0].start)


def _by_target(types: tuple[SubEventType, ...], target: str) -> tuple[SubEventType, ...]:
    """Generic violence: "Armed clash" when the side acted on is armed, "Attack" when it is not."""
    armed = bool(FORCES.search(target)) and not CIVILIAN_TARGET.search(target)
    first: SubEventType = "Armed clash" if armed else "Attack"
    if first not in types:
        return types
    return (first, *(t for t in types if t != first))


def _past(verb: Token) -> bool:
    """Whether the clause reports something done: a simple past ("carried out") or a present perfect."""
    if verb.tag_ == "VBD":
        return not any(c.dep_ == "aux" for c in verb.children)
    aux = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    return verb.tag_ == "VBN" and bool(aux) and all(a.lemma_ in {"have", "be"} for a in aux)


def _anchors(word: Token) -> bool:
    """Whether an "after"/"later" word ties its clause to another event: "later" alone, "after" a
    clause or an event ("after shooting the ambassador", "hours after the strikes"), not "after
    months of tensions"."""
    if word.lower_ not in _ANCHOR:
        return False
    if word.dep_ in {"advmod", "npadvmod", "mark"}:
        return True
    objects = [g for g in word.children if g.dep_ in {"pobj", "pcomp"}]
    return any(o.pos_ in {"VERB", "AUX"} or find_triggers(o.text) for o in objects) or any(
        g.lower_ in {"hours", "minutes", "days", "shortly", "moments", "soon"} for g in word.children
    )


def _anchored(predicate: Token) -> bool:
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


def _dated(predicate: Token, sent: SpacySpan, published: dt.date | None, why: str) -> bool:
    """Whether a date of its own hangs on the predicate: a day for events counted together ("a series of
    attacks on November 13"), a day or a month otherwise."""
    dated = date_candidates(predicate, sent, None, published)
    precisions = {"day"} if why.startswith("many events") else {"day", "month"}
    return dated.source == "predicate" and dated.precision in precisions


def _paragraph(sent: SpacySpan, paragraphs: list[tuple[int, int]]) -> int:
    for j, (a, b) in enumerate(paragraphs):
        if a <= sent.start_char < b:
            return j
    return len(paragraphs) - 1


def _mentions(
    sent: SpacySpan,
    hits: list[_Hit],
    published: dt.date | None,
    paragraph: SpacySpan,
    *,
    index: int,
    lead: bool,
) -> list[Mention] | Rejected:
    factual: list[tuple[SpacySpan, Trigger, Token]] = []
    unreal: list[Token] = []
    reason = ""
    for span, trigger in hits:
        predicate = _predicate(span, trigger)
        why = non_factual(span.root)
        if why is not None and why.startswith(_DATED_OK) and _dated(predicate, sent, published, why):
            why = (
                None  # "claimed the Dec. 10 bombings", "a series of attacks on November 13": one dated event
            )
        if why is None and trigger.instrument and predicate.i == span.root.i:
            why = "weapon or vehicle named, no use of it reported"
        if why is None:
            factual.append((span, trigger, predicate))
            continue
        unreal.append(span.root)
        reason = reason or why
    events = [f for f in factual if not f[1].instrument or f[2].i != f[0].root.i]
    first = hits[0][0]
    if not events:
        return Rejected(words(sent), offsets(sent)[0], words(first), reason or "not an event")
    best_tier = min(t.tier for _, t, _ in factual)
    if best_tier in {EXPLOSIVE, GENERIC} and NOT_CONFLICT.search(sent.text):
        return Rejected(words(sent), offsets(sent)[0], words(first), "a disaster, accident or crime")
    arrests = [h for h in factual if h[1].event_type == "Arrests"]
    if arrests and all(
        t.tier == GENERIC and _RAID.fullmatch(s.text.lower()) for s, t, _ in factual if t.tier < STRATEGIC
    ):
        factual = arrests  # a raid in which people are detained is an arrest operation
    chosen = _events_of(factual)
    claims = _owned(claims_in(sent), sent, chosen, unreal)
    cited = sources(sent)
    mentions: list[Mention] = []
    for span, trigger, used in chosen:
        predicate = used
        if trigger.instrument and used.i == span.root.i:
            predicate = next((p for s, t, p in events), used)
        weaker = [t for _, t, _ in factual if len(chosen) == 1 or t.tier > MODE]
        role1, role2 = actor_roles(predicate, cited, range(span.start, span.end))
        types = rank_types([trigger, *weaker], sent.text)
        if trigger.tier == GENERIC and role2:
            types = _by_target(types, role2[0])
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
                actors1=tuple(role1),
                actors2=tuple(role2),
                roles=(len(role1), len(role2)),
                claims=tuple(mine),
                detentions=detentions_in(sent),
                paragraph=index,
                anchored=_anchored(predicate),
                lead=lead,
                past=_past(clause),
            )
        )
    return mentions


def _owned(
    claims: tuple[tuple[int, CasualtyDraft], ...],
    sent: SpacySpan,
    chosen: list[_Factual],
    unreal: list[Token],
) -> list[tuple[SpacySpan | None, CasualtyDraft]]:
    """Each claim with the event it belongs to: the event word whose phrase holds its figure most
    narrowly ("a rocket attack that killed a contractor": the attack's); a figure in the phrase of a
    word that is not an event (a blamed or threatened attack) belongs to none; a figure outside every
    phrase goes to the nearest event word."""
    out: list[tuple[SpacySpan | None, CasualtyDraft]] = []
    for position, claim in claims:
        figure = sent.char_span(position, position + 1, alignment_mode="expand")
        index = figure[0].i if figure is not None and len(figure) else None
        holders: list[tuple[int, SpacySpan | None]] = []
        if index is not None:
            for span, _trigger, predicate in chosen:
                for word in (predicate, span.root):
                    if word.left_edge.i <= index <= word.right_edge.i:
                        holders.append((word.right_edge.i - word.left_edge.i, span))
            for word in unreal:
                if word.left_edge.i <= index <= word.right_edge.i:
                    holders.append((word.right_edge.i - word.left_edge.i, None))
        if holders:
            out.append((min(holders, key=lambda h: h[0])[1], claim))
        else:
            nearest = min(chosen, key=lambda h: abs(h[0].start_char - sent.start_char - position))
            out.append((nearest[0], claim))
    return out


def _relative_dates(doc: Doc) -> list[str]:
    """Date expressions that resolve against a publication date and not without one ("Monday")."""
    reference = dt.date(2000, 1, 1)
    return [
        ent.text
        for ent in doc.ents
        if ent.label_ in {"DATE", "TIME"}
        and resolve_date(ent.text, None).value is None
        and resolve_date(ent.text, reference).value is not None
    ]


def _filed_in(prepared: Prepared) -> str | None:
    """The country a dateline names or implies ("SEOUL, South Korea (Agency) -"), as written or ISO's."""
    for dateline in prepared.datelines:
        place = prepared.original[dateline.place[0] : dateline.place[1]]
        for part in reversed([p.strip() for p in place.split(",")]):
            if country_of_text(part):
                return part
            implied = country_of_place(part.title() if part.isupper() else part)
            if implied:
                return implied
    return None


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
    doc = parse(prepared.text)
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
        hits = _triggers(sent)
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
    filed_in = _filed_in(prepared)
    if published is None and mentions and (relative := _relative_dates(doc)):
        notes.append(
            f"no publication date: relative dates ({', '.join(repr(r) for r in relative[:3])}) could not be "
            "resolved and the events they date are undated; give the article's published date"
        )
    if read == 0:
        notes.append("no sentence found (a list of headlines or captions?): nothing proposed")
    elif not mentions:
        notes.append("no sentence reports a conflict event")
    return Candidates(tuple(mentions), tuple(rejected), tuple(notes), filed_in=filed_in)
