"""Per-article and corpus scores: counts per event, slot and claim, attribution and grounding."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, Field

from evals.gold import GoldArticle, GoldCasualty, GoldEvent
from extractor.grounding import fold
from schemas.events_v3 import CasualtyClaim, Event, Span

from .matching import MATCH_THRESHOLD, SLOTS, Slot, match_claims, match_events, slot_values, span_text
from .metrics import Counts, Ratio
from .names import names_match

__all__ = [
    "ArticleScore",
    "ClaimDiff",
    "CorpusScore",
    "PairScore",
    "SlotDiff",
    "Tally",
    "quote_grounded",
    "score_article",
    "score_corpus",
    "sum_tallies",
]


def quote_grounded(span: Span, text: str) -> bool:
    """Whether ``text[start:end]`` equals the span's quote after ``fold``; offsets are not trusted."""
    if not 0 <= span.start <= span.end <= len(text):
        return False
    passage = fold(text[span.start : span.end])
    return bool(passage) and passage == fold(span.quote)


def _spans(event: Event) -> list[Span]:
    return [*event.evidence, *(c.quote for c in event.casualties)]


class SlotDiff(BaseModel):
    """One slot of a matched pair: both values (display strings) and whether they agree."""

    slot: Slot
    gold: str | None
    pred: str | None
    agree: bool = Field(description="Both empty, or both present and agreeing under the slot's credit rule.")


class ClaimDiff(BaseModel):
    """A casualty claim of a matched pair, matched or not."""

    gold_index: int | None
    pred_index: int | None
    kind: str
    count_gold: int | None
    count_pred: int | None
    claimed_by_gold: str | None
    claimed_by_pred: str | None
    attribution_agrees: bool | None = Field(description="None when the claim is unmatched.")


class PairScore(BaseModel):
    """A matched (prediction, gold) pair."""

    gold_index: int
    global_id: str
    pred_index: int
    similarity: float
    slots: list[SlotDiff]
    claims: list[ClaimDiff] = Field(default_factory=list)


class Tally(BaseModel):
    """All counts behind the headline figures, for one article or summed over a corpus."""

    events: Counts = Field(default_factory=Counts, description="Untyped: a matched pair is a TP.")
    events_typed: Counts = Field(default_factory=Counts, description="A matched pair with equal event_type.")
    slots: dict[Slot, Counts] = Field(default_factory=lambda: {s: Counts() for s in SLOTS})
    claims: Counts = Field(default_factory=Counts)
    attribution: Ratio = Field(default_factory=Ratio, description="Matched claims whose claimant agrees.")
    grounding: Ratio = Field(default_factory=Ratio, description="Predicted quotes found at their offsets.")

    def figures(self) -> dict[str, float]:
        """The figures: event F1 (untyped, typed), slot F1 per field, claim F1, attribution, grounding."""
        out = {"event_f1": self.events.f1, "event_f1_typed": self.events_typed.f1}
        out.update({f"slot_f1.{s}": self.slots[s].f1 for s in SLOTS})
        out.update(
            {
                "claim_f1": self.claims.f1,
                "attribution_accuracy": self.attribution.value,
                "grounding_rate": self.grounding.value,
            }
        )
        return out


def sum_tallies(tallies: Iterable[Tally]) -> Tally:
    """Micro totals: every count summed (figures are then computed from the sums)."""
    total = Tally()
    for t in tallies:
        total = Tally(
            events=total.events + t.events,
            events_typed=total.events_typed + t.events_typed,
            slots={s: total.slots[s] + t.slots[s] for s in SLOTS},
            claims=total.claims + t.claims,
            attribution=total.attribution + t.attribution,
            grounding=total.grounding + t.grounding,
        )
    return total


class ArticleScore(BaseModel):
    """Scores of one article."""

    article_id: str
    tally: Tally
    pairs: list[PairScore] = Field(default_factory=list)
    unmatched_gold: list[int] = Field(default_factory=list, description="Gold indices with no prediction.")
    unmatched_pred: list[int] = Field(default_factory=list, description="Prediction indices with no gold.")

    @property
    def figures(self) -> dict[str, float]:
        """Per-article headline figures."""
        return self.tally.figures()


class CorpusScore(BaseModel):
    """Per-article scores and their micro totals."""

    articles: list[ArticleScore]
    micro: Tally

    @property
    def figures(self) -> dict[str, float]:
        """Micro-averaged headline figures (counts summed over articles, then P/R/F1)."""
        return self.micro.figures()


def _slot_counts(pred: Event | None, gold: GoldEvent | None, slot: Slot) -> tuple[Counts, SlotDiff]:
    g, p, agree = slot_values(slot, pred, gold)
    tp = int(agree)
    counts = Counts(tp=tp, fp=int(p is not None) - tp, fn=int(g is not None) - tp)
    return counts, SlotDiff(slot=slot, gold=g, pred=p, agree=agree or (g is None and p is None))


def score_article(
    preds: Sequence[Event], gold: GoldArticle, text: str, *, threshold: float = MATCH_THRESHOLD
) -> ArticleScore:
    """Score one article's predicted events against its gold record.

    Events: matched pairs are TP, unmatched predictions FP, unmatched gold FN; typed counts
    require the same event_type too. Slots: a gold slot counts when non-empty, a predicted slot
    when non-empty; a matched pair's slot is TP when both agree under the slot's rule, otherwise
    each non-empty side is FP/FN; unmatched events count all their non-empty slots as FP/FN.
    Claims match one-to-one within matched pairs on (kind, count, qualifier); claims of unmatched
    events are FP/FN. Attribution: matched claims whose ``claimed_by`` agree (``names_match``).
    Grounding: predicted quotes (evidence and casualty quotes) found at their offsets in ``text``.
    """
    golds = gold.events
    matches = match_events(preds, golds, threshold)
    slots = {s: Counts() for s in SLOTS}
    claims = Counts()
    attribution = Ratio()
    pairs: list[PairScore] = []
    typed_tp = 0
    for pi, gi, sim in matches:
        p, g = preds[pi], golds[gi]
        typed_tp += p.event_type == g.event_type
        diffs = []
        for s in SLOTS:
            c, d = _slot_counts(p, g, s)
            slots[s] += c
            diffs.append(d)
        claim_pairs = match_claims(p.casualties, g.casualties)
        agreeing = sum(
            names_match(span_text(p.casualties[a].claimed_by), g.casualties[b].claimed_by)
            for a, b in claim_pairs
        )
        n = len(claim_pairs)
        claims += Counts(tp=n, fp=len(p.casualties) - n, fn=len(g.casualties) - n)
        attribution += Ratio(hits=agreeing, total=len(claim_pairs))
        pairs.append(
            PairScore(
                gold_index=gi,
                global_id=g.global_id,
                pred_index=pi,
                similarity=sim,
                slots=diffs,
                claims=_claim_diffs(p.casualties, g.casualties, claim_pairs),
            )
        )
    matched_p = {pi for pi, _, _ in matches}
    matched_g = {gi for _, gi, _ in matches}
    unmatched_pred = [i for i in range(len(preds)) if i not in matched_p]
    unmatched_gold = [j for j in range(len(golds)) if j not in matched_g]
    for i in unmatched_pred:
        for s in SLOTS:
            slots[s] += _slot_counts(preds[i], None, s)[0]
        claims += Counts(fp=len(preds[i].casualties))
    for j in unmatched_gold:
        for s in SLOTS:
            slots[s] += _slot_counts(None, golds[j], s)[0]
        claims += Counts(fn=len(golds[j].casualties))
    spans = [sp for e in preds for sp in _spans(e)]
    tally = Tally(
        events=Counts(tp=len(matches), fp=len(unmatched_pred), fn=len(unmatched_gold)),
        events_typed=Counts(tp=typed_tp, fp=len(preds) - typed_tp, fn=len(golds) - typed_tp),
        slots=slots,
        claims=claims,
        attribution=attribution,
        grounding=Ratio(hits=sum(quote_grounded(sp, text) for sp in spans), total=len(spans)),
    )
    return ArticleScore(
        article_id=gold.article_id,
        tally=tally,
        pairs=pairs,
        unmatched_gold=unmatched_gold,
        unmatched_pred=unmatched_pred,
    )


def _claim_diffs(
    preds: Sequence[CasualtyClaim], golds: Sequence[GoldCasualty], pairs: Sequence[tuple[int, int]]
) -> list[ClaimDiff]:
    out: list[ClaimDiff] = []
    for a, b in pairs:
        p, g = preds[a], golds[b]
        out.append(
            ClaimDiff(
                gold_index=b,
                pred_index=a,
                kind=g.kind,
                count_gold=g.count,
                count_pred=p.count,
                claimed_by_gold=g.claimed_by,
                claimed_by_pred=span_text(p.claimed_by),
                attribution_agrees=names_match(span_text(p.claimed_by), g.claimed_by),
            )
        )
    paired_p = {a for a, _ in pairs}
    paired_g = {b for _, b in pairs}
    out.extend(
        ClaimDiff(
            gold_index=b,
            pred_index=None,
            kind=g.kind,
            count_gold=g.count,
            count_pred=None,
            claimed_by_gold=g.claimed_by,
            claimed_by_pred=None,
            attribution_agrees=None,
        )
        for b, g in enumerate(golds)
        if b not in paired_g
    )
    out.extend(
        ClaimDiff(
            gold_index=None,
            pred_index=a,
            kind=p.kind,
            count_gold=None,
            count_pred=p.count,
            claimed_by_gold=None,
            claimed_by_pred=span_text(p.claimed_by),
            attribution_agrees=None,
        )
        for a, p in enumerate(preds)
        if a not in paired_p
    )
    return out


def score_corpus(
    preds: Mapping[str, Sequence[Event]],
    golds: Sequence[GoldArticle],
    texts: Mapping[str, str],
    *,
    threshold: float = MATCH_THRESHOLD,
) -> CorpusScore:
    """Score every gold article (a missing prediction entry counts as zero predictions); micro totals.

    Raises ``KeyError`` naming the article when its text is missing from ``texts``.
    """
    articles = []
    for gold in golds:
        if gold.article_id not in texts:
            raise KeyError(f"no article text for {gold.article_id!r}")
        articles.append(
            score_article(preds.get(gold.article_id, []), gold, texts[gold.article_id], threshold=threshold)
        )
    return CorpusScore(articles=articles, micro=sum_tallies(a.tally for a in articles))
