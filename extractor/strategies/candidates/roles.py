"""Who did what to whom: actor1 and actor2 from the event predicate's arguments in the dependency parse.

For a verb: the active subject acts and the object (or "on"/"against"/"at" something) is acted on;
in the passive the subject is acted on and the "by" phrase acts; a participle clause ("...,
killing three soldiers") takes the subject of the verb it hangs on. For an event noun: "X's
attack", "the attack by X", "X airstrikes" and an adjective of nationality ("Israeli airstrikes")
act; "attack on Y", "against Y" are acted on; "clashes between X and Y" name both; an event
noun that is the object of a verb of occurrence ("X launched an attack") takes that verb's subject.
A clause on the event noun names its parties too: "the raid, carried out by X" and "the raid X
launched" act; "a barrage that killed Y" and "strikes targeting Y" (also "carried out strikes ...,
targeting Y") are acted on.

What is never an actor: whoever the sentence cites as its source or claimant ("X said", "according
to X", "X told reporters"); a place that is not a country (a city, region, building named as where
something happened); a pronoun; a date or a number. A nationality adjective alone ("Polish") is an
actor only as the agent of an event noun; otherwise the noun it modifies is taken ("Polish jets").
Civilians and named targets are acted on: they are actor2.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from .holders import holder
from .lexicon import is_instrument
from .places import country_of_place, country_of_text
from .spans import entity_of, phrase, phrase_span, words

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["actor_roles", "is_place", "other_parties"]

_OCCURRENCE: Final = frozenset(
    {"launch", "carry", "conduct", "stage", "mount", "unleash", "execute", "perform", "begin", "start",
     "make", "lead", "hold", "organize", "organise", "commit", "claim", "attend", "join", "fight", "wage"}
)  # fmt: skip
#: Verbs whose subject undergoes the event ("soldiers died", "civilians perished").
_UNDERGONE: Final = frozenset({"die", "perish", "drown", "starve", "disappear", "vanish", "suffer"})
#: Verbs whose subject took the responsibility or the blame for an event ("X claimed responsibility for").
_CLAIMED: Final = frozenset({"responsibility", "credit"})
#: Verbs of being hit, whose passive subject is the victim ("was killed in a shootout").
_HIT: Final = frozenset({"kill", "wound", "injure", "shoot", "hurt", "arrest", "capture", "detain"})
#: Verbs whose object is acted on, in a clause on an event noun ("a barrage that killed Y", "strikes
#: targeting Y").
_ACTED_ON: Final = _HIT | frozenset(
    {"target", "hit", "strike", "attack", "destroy", "damage", "bomb", "shell"}
)
#: Common nouns that name a party (an armed or civilian group), not a thing.
_PARTY: Final = re.compile(
    r"^(?:soldiers?|troops?|army|forces|police\w*|militants?|rebels?|insurgents?|fighters?|militias?|gunm[ae]n"
    r"|civilians?|villagers?|residents?|protesters?|demonstrators?|students?|officers?|guards?|people|men|women"
    r"|children|workers?|journalists?|activists?|supporters?|members?|government|authorities|regime)$",
    re.IGNORECASE,
)
_TARGET_PREPS: Final = frozenset({"on", "against", "at", "targeting", "into", "upon", "toward", "towards"})
_NOT_ACTOR_ENTS: Final = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LOC", "EVENT", "LAW",
     "WORK_OF_ART", "LANGUAGE", "PRODUCT"}
)  # fmt: skip
#: Nouns that name a place or a part of one, never who acted ("the city", "the border").
_PLACE_NOUNS: Final = frozenset(
    {"city", "town", "village", "capital", "province", "region", "district", "area", "border", "country",
     "state", "street", "square", "neighbourhood", "neighborhood", "site", "zone", "territory", "compound",
     "building", "road", "highway", "camp", "valley", "coast", "north", "south", "east", "west", "outskirts",
     "part", "side", "frontier", "county", "municipality", "suburb", "centre", "center"}
)  # fmt: skip


def is_place(token: Token) -> bool:
    """Whether ``token`` names a place rather than a party: a non-country place name, or a place noun."""
    entity = entity_of(token)
    if entity is not None and entity.label_ in {"GPE", "LOC", "FAC"}:
        return not (entity.label_ == "GPE" and country_of_text(entity.text))
    name = entity.text if entity is not None else token.text
    capitalised = token.text[:1].isupper() and token.i > token.sent.start
    if (entity is None or entity.label_ == "ORG") and capitalised and not country_of_text(name):
        return country_of_place(name) is not None or token.lemma_.lower() in _PLACE_NOUNS
    return token.lemma_.lower() in _PLACE_NOUNS
    return token.lemma_.lower() in _PLACE_NOUNS


def _usable(token: Token | None, cited: set[int], *, agent_noun: bool = False) -> Token | None:
    """``token`` when it can name an actor (see the module docstring), else ``None``."""
    if token is None or token.i in cited or token.pos_ in {"PRON", "DET", "NUM"}:
        return None
    if not token.text[:1].isalnum() or token.ent_type_ in _NOT_ACTOR_ENTS:
        return None
    entity = entity_of(token)
    if entity is not None and entity.label_ == "GPE" and not country_of_text(entity.text):
        return None
    if entity is not None and entity.label_ == "FAC":
        return None
    if is_place(token) or is_instrument(token.text):
        return None
    if token.pos_ == "ADJ" and token.ent_type_ == "NORP" and not agent_noun:
        return None  # "Polish" alone acts only as the agent of an event noun
    return token


def _named(token: Token) -> Token:
    """A description with a name beside it ("the president, X, ..."): the name."""
    if token.ent_type_ in {"PERSON", "ORG"}:
        return token
    for candidate in (token, *token.conjuncts):
        for child in candidate.subtree:
            if (
                child.dep_ == "appos"
                and child.ent_type_ in {"PERSON", "ORG"}
                and child.head.i in {t.i for t in candidate.subtree}
            ):
                return child
    return token


def _conjuncts(token: Token) -> list[Token]:
    return [token, *(t for t in token.conjuncts if t.dep_ == "conj")]


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``, or of the verb a participle, infinitive or conjoined verb hangs on."""
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ == "nsubj":
                return child
            if child.dep_ == "agent":
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if node.dep_ not in {"xcomp", "advcl", "conj", "acl", "pcomp"} or node.head.i == node.i:
            return None
        if node.dep_ == "acl" and node.head.pos_ in {"NOUN", "PROPN"}:
            return None  # "the attack targeting X": the noun's own arguments decide
        node = node.head
    return None


def _passive(verb: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)


def _verb_roles(verb: Token, inside: range) -> tuple[Token | None, Token | None]:
    agent = patient = None
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
    if verb.lemma_.lower() in _UNDERGONE:
        passive = True  # "20 soldiers died": the subject is who was hit
    for child in verb.children:
        if child.i in inside and child.dep_ in {"dobj", "prep"}:
            continue  # "opened fire": "fire" is part of the trigger, not its object
        if child.dep_ == "nsubj" and not passive:
            agent = child
        elif (
            child.dep_ == "nsubjpass"
            or (child.dep_ == "nsubj" and passive)
            or (child.dep_ == "dobj" and patient is None)
        ):
            patient = child
        elif child.dep_ == "agent":
            agent = next((g for g in child.children if g.dep_ == "pobj"), agent)
        elif child.dep_ == "prep" and child.lower_ in _TARGET_PREPS | {"with"} and patient is None:
            found = next((g for g in child.children if g.dep_ == "pobj"), None)
            if found is not None and not is_instrument(found.text):
                patient = found  # "clashed with rebels"; "attacked with rockets" names no party
    if agent is None and not passive:
        agent = _subject(verb)
    return agent, patient


def _clause_roles(noun: Token) -> tuple[Token | None, Token | None]:
    """(agent, patient) a clause on the event noun names: "the raid, carried out by X", "a barrage that
    killed Y", "strikes targeting Y"; and a participle on the verb the noun is the object of ("carried
    out strikes on Monday, targeting Y")."""
    agent = patient = None
    clauses = [c for c in noun.children if c.dep_ in {"acl", "relcl"} and c.pos_ == "VERB"]
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _OCCURRENCE:
        clauses += [c for c in noun.head.children if c.dep_ in {"advcl", "xcomp"} and c.tag_ == "VBG"]
    for verb in clauses:
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None and subject.tag_ not in {"WDT", "WP"}:
            if verb.dep_ == "relcl" and verb.lemma_.lower() in _OCCURRENCE and subject.pos_ != "PRON":
                agent = agent or subject  # "the attack that the rebels launched"
            continue  # the noun is not what acts in it
        agent = agent or next(
            (g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None
        )
        if verb.lemma_.lower() in _ACTED_ON and not _passive(verb):
            patient = patient or next((c for c in verb.children if c.dep_ == "dobj"), None)
    return agent, patient


def _noun_roles(noun: Token) -> tuple[Token | None, Token | None, bool]:
    """(agent, patient, agent_is_modifier) of an event noun."""
    agent = patient = None
    modifier = False
    for child in noun.children:
        if child.dep_ == "poss":
            agent = child
        elif child.dep_ in {"compound", "amod", "nmod"} and agent is None:
            if is_place(child) or (child.ent_type_ == "GPE" and not country_of_text(child.text)):
                continue  # "the Kabul attack": where, not who
            if child.ent_type_ in {"DATE", "TIME", "CARDINAL", "ORDINAL"}:
                continue  # "a Tuesday mortar barrage": when, not who
            if child.ent_type_ in {"NORP", "ORG", "GPE", "PERSON"} or child.pos_ == "PROPN":
                agent, modifier = child, True
        elif child.dep_ == "prep" and child.lower_ == "by":
            agent = next((g for g in child.children if g.dep_ == "pobj"), agent)
        elif child.dep_ == "prep" and child.lower_ in _TARGET_PREPS | {"with"}:
            found = next((g for g in child.children if g.dep_ == "pobj"), None)
            if patient is None and found is not None and _usable(found, set()) is not None:
                patient = found  # "attack on the base", not "attack on Tuesday"
        elif child.dep_ == "prep" and child.lower_ == "between":
            sides = [g for g in child.children if g.dep_ == "pobj"]
            if sides:
                agent = agent or sides[0]
                patient = patient or next((c for c in sides[0].conjuncts), None)
    by_clause, on_clause = _clause_roles(noun)
    agent, patient = agent or by_clause, patient or on_clause
    if agent is None and noun.dep_ in {"dobj", "nsubjpass"} and noun.head.lemma_.lower() in _OCCURRENCE:
        agent = _subject(noun.head) if noun.dep_ == "dobj" else None
    if agent is None and noun.dep_ == "pobj" and noun.head.head.lemma_.lower() in _CLAIMED:
        agent = _subject(noun.head.head.head)  # "X claimed responsibility for the bombing": X bombed
    outcome = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ in {"in", "during"} else None
    if outcome is not None and outcome.lemma_.lower() in _HIT and _passive(outcome):
        # "X was shot dead in a gunfight with soldiers": the soldiers acted, X was hit
        patient = next((c for c in outcome.children if c.dep_ == "nsubjpass"), patient)
        agent = next(
            (g for c in noun.children if c.lower_ == "with" for g in c.children if g.dep_ == "pobj"), agent
        )
        if agent is not None and patient is not None:
            return agent, patient, modifier
    if noun.dep_ == "nsubj" and noun.head.pos_ == "VERB" and patient is None:
        patient = next((c for c in noun.head.children if c.dep_ == "dobj"), None)  # "the strike hit X"
    return agent, patient, modifier


def actor_roles(predicate: Token, cited: set[int], inside: range = range(0)) -> tuple[list[str], list[str]]:
    """(actor1 candidates, actor2 candidates) from the predicate's own arguments, best first.

    ``inside``: token indices of the trigger itself, never its own argument.
    """
    if predicate.pos_ in {"VERB", "AUX"}:
        agent, patient = _verb_roles(predicate, inside)
        modifier = False
    else:
        agent, patient, modifier = _noun_roles(predicate)
    if patient is not None:
        patient = holder(patient)
    if patient is not None and _named(patient).i != patient.i:
        patient = _named(patient)
    if agent is not None and _named(agent).i != agent.i:
        agent = _named(agent)
    first = [
        phrase(t)
        for a in (_conjuncts(agent) if agent is not None else [])
        if (t := _usable(a, cited, agent_noun=modifier)) is not None
    ]
    second = [
        phrase(t) for p in (_conjuncts(patient) if patient is not None else []) if (t := _usable(p, cited))
    ]
    if len(first) > 1:
        first = [_joined(agent)] if agent is not None else first
    if len(second) > 1:
        second = [_joined(patient)] if patient is not None else second
    return [a for a in first if a], [p for p in second if p and p not in first]


def other_parties(sentence: SpacySpan, predicate: Token, cited: set[int]) -> list[str]:
    """Other parties the sentence names (groups, people, forces, countries acting), nearest the predicate
    first: options for an adjudicator, never code's own choice. Sources and places are left out."""
    found: list[tuple[int, str]] = []
    for token in sentence:
        if token.dep_ not in {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "poss", "compound"}:
            continue
        if (
            token.pos_ not in {"NOUN", "PROPN"}
            or token.head.i == token.i
            or (token.dep_ == "compound" and token.ent_type_ not in {"ORG", "NORP", "PERSON"})
        ):
            continue
        if _usable(token, cited) is None or is_place(token):
            continue
        if token.ent_type_ not in {"ORG", "NORP", "PERSON", "GPE"} and not _PARTY.search(token.text):
            continue
        text = phrase(token)
        if text and all(text != t for _d, t in found):
            found.append((abs(token.i - predicate.i), text))
    return [t for _d, t in sorted(found)]


def _joined(token: Token) -> str:
    """Conjoined actors as one span ("French and Spanish police" / "soldiers and police")."""
    last = max(_conjuncts(token), key=lambda t: t.i)
    span = phrase_span(token)
    return words(token.doc[span.start : phrase_span(last).end]).strip()
