"""What code's candidates offer, per gold set: mentions merged, mentions excluded by reason, and the ceiling.

For the candidates strategy (prompt ``events.v5``) code proposes every field and an adjudicating
LLM may only choose among the candidates. The **ceiling** of that path is, for each field, the
share of gold events for which the gold value is among the candidates code offers for that event:
a perfect adjudicator can reach no higher. A gold event is *offered* when some proposed mention
(after merging) has an evidence sentence that overlaps one of the gold event's evidence quotes; a
field is a hit when one of those mentions lists the gold value among its candidates, compared
under the scorer's own rules (names with aliases, dates by containment, countries by ISO key). A
gold value that is null is a hit when the adjudicator can answer "none" (actors) or nothing is
needed (place, claims).

Besides the ceiling: how many mentions code found and merged, why sentences with a trigger were
excluded (``Rejected.reason``), and how many of the gold's own exclusions (``excluded[]``, by
guideline rule) code nevertheless proposed as events.

Scoring stays pure: the candidates are computed by code alone (no LLM), once per article.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from extractor.derive import resolve_country, resolve_date
from extractor.inputs import Article
from extractor.strategies.candidates import UNDATED, Mention, propose

from .gold import GoldArticle, GoldEvent
from .scoring import Ratio, country_key, date_agrees, names_match

__all__ = ["CEILING_FIELDS", "CandidateDiagnostics", "candidate_diagnostics"]

#: The fields whose ceiling is reported, in report order.
CEILING_FIELDS: tuple[str, ...] = (
    "event",
    "event_type",
    "date",
    "countries",
    "place",
    "actor1",
    "actor2",
    "claims",
)


class CandidateDiagnostics(BaseModel):
    """Code's candidates over a gold set (see the module docstring)."""

    articles: int = 0
    mentions_found: int = Field(default=0, description="Mentions before merging.")
    mentions_merged: int = Field(
        default=0, description="Mentions merged into another mention of the same event."
    )
    mentions_proposed: int = Field(default=0, description="Mentions after merging: code's events.")
    excluded: dict[str, int] = Field(
        default_factory=dict, description="Sentences with a trigger that code excluded, by reason."
    )
    gold_excluded_proposed: dict[str, Ratio] = Field(
        default_factory=dict,
        description="Per guideline rule: the gold's excluded mentions that code proposed as an event anyway.",
    )
    ceiling: dict[str, Ratio] = Field(
        default_factory=dict,
        description="Per field: gold events whose gold value is among code's candidates for them "
        "(claims: gold claims found among the candidates' claims).",
    )


def _spans(sentences: Iterable[str], text: str) -> list[tuple[int, int]]:
    out = []
    for sentence in sentences:
        start = text.find(sentence)
        if start >= 0:
            out.append((start, start + len(sentence)))
    return out


def _overlaps(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


def _name_hit(candidates: Sequence[str], gold: str | None, aliases: Sequence[str]) -> bool:
    if gold is None:
        return True  # the adjudicator can answer "none"
    return any(names_match(c, name) for c in candidates for name in (gold, *aliases))


def _country_keys(mention: Mention) -> set[str]:
    keys = set()
    for country, _place in mention.locations:
        _name, code = resolve_country(country) if country else (None, None)
        key = code or country_key(country)
        if key:
            keys.add(key)
    return keys


def _field_hits(gold: GoldEvent, offered: Sequence[Mention], published: dt.date | None) -> dict[str, bool]:
    dates = {resolve_date(d, published).value for m in offered for d in m.dates}
    gold_countries = {k for loc in gold.locations if (k := country_key(loc.country))}
    places = [p for m in offered for _c, p in m.locations if p]
    gold_places = [loc.place for loc in gold.locations if loc.place]
    return {
        "event": bool(offered),
        "event_type": any(gold.event_type in m.types for m in offered),
        "date": any(date_agrees(v, gold.date.value) for v in dates if v),
        "countries": bool(offered) and gold_countries <= {k for m in offered for k in _country_keys(m)},
        "place": bool(offered) and all(any(names_match(p, g) for p in places) for g in gold_places),
        "actor1": bool(offered)
        and _name_hit([a for m in offered for a in m.actors1], gold.actor1, gold.actor1_aliases),
        "actor2": bool(offered)
        and _name_hit([a for m in offered for a in m.actors2], gold.actor2, gold.actor2_aliases),
    }


def _claim_hits(gold: GoldEvent, offered: Sequence[Mention]) -> int:
    pool = Counter((c.kind, c.count, c.qualifier) for m in offered for c in m.claims)
    hits = 0
    for claim in gold.casualties:
        key = (claim.kind, claim.count, claim.qualifier)
        if pool[key]:
            pool[key] -= 1
            hits += 1
    return hits


def candidate_diagnostics(articles: Sequence[Article], golds: Sequence[GoldArticle]) -> CandidateDiagnostics:
    """Code's candidates for every article of a gold set, against its gold (needs the ``[nlp]`` extra)."""
    out = CandidateDiagnostics(articles=len(articles))
    excluded: Counter[str] = Counter()
    gold_excluded: dict[str, Ratio] = {}
    ceiling = {name: Ratio() for name in CEILING_FIELDS}
    for article, gold in zip(articles, golds, strict=True):
        found = propose(article)
        merged = found.mentions
        undated = sum(r.reason == UNDATED for r in found.rejected)
        out.mentions_found += len(merged) + found.merged + undated
        out.mentions_merged += found.merged
        out.mentions_proposed += len(merged)
        excluded.update(r.reason for r in found.rejected)
        spans = [_spans(m.evidence, article.text) for m in merged]
        for ex in gold.excluded:
            start = article.text.find(ex.quote)
            hit = any(_overlaps(s, [(start, start + len(ex.quote))]) for s in spans)
            rule = ex.rule.split(":")[0].strip() + ": " + ex.rule.partition(":")[2].strip()
            gold_excluded[rule] = gold_excluded.get(rule, Ratio()) + Ratio(hits=int(hit), total=1)
        for event in gold.events:
            evidence = _spans((e.quote for e in event.evidence), article.text)
            offered = [m for m, s in zip(merged, spans, strict=True) if _overlaps(s, evidence)]
            for name, hit in _field_hits(event, offered, article.published).items():
                ceiling[name] += Ratio(hits=int(hit), total=1)
            ceiling["claims"] += Ratio(hits=_claim_hits(event, offered), total=len(event.casualties))
    out.excluded = dict(excluded.most_common())
    out.gold_excluded_proposed = dict(sorted(gold_excluded.items()))
    out.ceiling = ceiling
    return out
