"""Agreement between two annotators of the same articles, measured with the eval scorer.

Annotator B's gold records are read as predictions (each quote located in the article as
grounding locates quotes: the first occurrence, with whitespace, quote marks and case folded, as
gold quotes carry no offsets and are typed by hand) and scored against annotator A's gold with
``score_article``: event F1 between the two gold files, typed event F1, slot F1 per field and
claim F1. The figures are symmetric for events (A's misses are B's extras); attribution and
slot credit follow the scorer's rules with A as the reference.
"""

from __future__ import annotations

from pathlib import Path

from extractor.derive import acled_categories, resolve_country
from extractor.grounding import find_quote
from schemas.events_v3 import CasualtyClaim, Event, EventDate, Location, Span

from .gold import GoldArticle, GoldEvent, load_gold
from .scoring import CorpusScore, score_article, sum_tallies

__all__ = ["AgreementError", "agreement", "gold_as_events"]


class AgreementError(ValueError):
    """The two gold sets cannot be compared (no article in common, a missing file)."""


def _span(text: str, quote: str | None) -> Span | None:
    """The first occurrence of ``quote``, found as grounding finds quotes (whitespace, quote marks folded)."""
    return None if quote is None else find_quote(quote, text)


def _location(text: str, country: str, place: str | None) -> Location:
    name, code = resolve_country(country)
    return Location(
        country=_span(text, country), country_name=name, country_code=code, place=_span(text, place)
    )


def _event(gold: GoldEvent, text: str) -> Event:
    acled_type, disorder = acled_categories(gold.event_type)
    evidence = [s for s in (_span(text, e.quote) for e in gold.evidence) if s is not None]
    claims = [
        CasualtyClaim(
            kind=c.kind,
            count=c.count,
            qualifier=c.qualifier,
            claimed_by=_span(text, c.claimed_by),
            victims=_span(text, c.victims),
            quote=_span(text, c.quote) or Span(quote=c.quote, start=0, end=0, alignment="exact"),
        )
        for c in gold.casualties
    ]
    return Event(
        event_type=gold.event_type,
        acled_event_type=acled_type,
        disorder_type=disorder,
        date=EventDate(
            text=_span(text, gold.date.text), value=gold.date.value, precision=gold.date.precision
        ),
        locations=[_location(text, loc.country, loc.place) for loc in gold.locations],
        actor1=_span(text, gold.actor1),
        actor2=_span(text, gold.actor2),
        casualties=claims,
        fatalities=gold.fatalities,
        evidence=evidence,
    )


def gold_as_events(gold: GoldArticle, text: str) -> list[Event]:
    """An annotator's gold records as event records, to be scored against another annotator's gold."""
    return [_event(event, text) for event in gold.events]


def _gold_files(path: Path) -> dict[str, Path]:
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise AgreementError(f"{path}: no gold files")
    return {f.stem: f for f in files}


def agreement(gold_a: Path, gold_b: Path, articles_dir: Path) -> CorpusScore:
    """B's gold scored against A's, over the articles both labelled (files or directories of files)."""
    a_files, b_files = _gold_files(gold_a), _gold_files(gold_b)
    a = {g.article_id: g for g in (load_gold(p, articles_dir) for p in a_files.values())}
    b = {g.article_id: g for g in (load_gold(p, articles_dir) for p in b_files.values())}
    common = sorted(a.keys() & b.keys())
    if not common:
        raise AgreementError(f"{gold_a} and {gold_b} have no article in common")
    scores = []
    for article_id in common:
        text = (articles_dir / f"{article_id}.txt").read_text(encoding="utf-8")
        scores.append(score_article(gold_as_events(b[article_id], text), a[article_id], text))
    return CorpusScore(articles=scores, micro=sum_tallies(s.tally for s in scores))
