"""Score predicted event records against hand-labelled gold. Pure functions; never calls an LLM.

The rules (documented in full in ``evals/README.md``, section "Scoring"):

* **Names** (actors, places, claimants) are compared after ``normalize_name``; a predicted name
  matches a gold name when it equals the gold name or one of its aliases, or when one of the two
  appears inside the other as a run of whole words (``names_match``).
* **Dates** agree when the ISO values are equal or when one value's period contains the other's
  (``date_agrees``); the precision is a separate slot.
* **Event matching** pairs predictions with gold records one-to-one by maximum total
  ``similarity`` (Hungarian algorithm), keeping pairs with similarity >= ``MATCH_THRESHOLD``.
* **P/R/F1**: with no predictions and no gold every figure is 1.0; otherwise 0/0 is 0.0.
* **Ratios** (attribution accuracy, grounding rate): an empty denominator gives 1.0 (nothing was
  wrong); the denominator is always kept next to the figure.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, computed_field
from scipy.optimize import linear_sum_assignment

from evals.gold import GoldArticle, GoldCasualty, GoldEvent
from extractor.derive import acled_categories, resolve_country
from extractor.grounding import fold as fold_quote
from schemas.events_v1 import CasualtyClaim, Event, Location, Span

__all__ = [
    "DATE_CONTAINMENT_PARTIAL",
    "EVENT_TYPE_PARTIAL",
    "MATCH_THRESHOLD",
    "SIMILARITY_WEIGHTS",
    "SLOTS",
    "TIEBREAK_WEIGHT",
    "ArticleScore",
    "ClaimDiff",
    "CorpusScore",
    "Counts",
    "FieldDiff",
    "PairScore",
    "Ratio",
    "Slot",
    "Tally",
    "country_key",
    "date_agrees",
    "date_contains",
    "date_interval",
    "fold_quote",
    "match_claims",
    "match_events",
    "names_match",
    "normalize_name",
    "prf",
    "quote_grounded",
    "score_article",
    "score_corpus",
    "similarity",
    "sum_tallies",
]

Slot = Literal["event_type", "date", "date_precision", "countries", "place", "actor1", "actor2", "fatalities"]

#: Slot-level fields, in report order.
SLOTS: tuple[Slot, ...] = (
    "event_type",
    "date",
    "date_precision",
    "countries",
    "place",
    "actor1",
    "actor2",
    "fatalities",
)

#: Weights of the similarity components; they sum to 1.
SIMILARITY_WEIGHTS: Mapping[str, float] = {
    "event_type": 0.35,
    "date": 0.25,
    "countries": 0.20,
    "actor1": 0.10,
    "actor2": 0.10,
}
#: Share of the event-type weight given when only the ACLED event type (not the sub-event type) agrees.
EVENT_TYPE_PARTIAL = 0.5
#: Share of the date weight given when the dates agree only by containment (not equal values).
DATE_CONTAINMENT_PARTIAL = 0.75
#: Pairs below this similarity are not matches.
MATCH_THRESHOLD = 0.5
#: Weight of the tie-breaker (place, fatalities, shared evidence) in the assignment only: small enough
#: to decide only between (near-)equal similarities; never part of the reported similarity.
TIEBREAK_WEIGHT = 1e-4

# --------------------------------------------------------------------------- P/R/F1 and ratios


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts.

    No predictions and no gold (all zero) gives ``(1.0, 1.0, 1.0)``; otherwise a 0/0 is 0.0.
    """
    if tp == 0 and fp == 0 and fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


class Counts(BaseModel):
    """True positives, false positives and false negatives, with P/R/F1 derived (see ``prf``)."""

    model_config = ConfigDict(extra="ignore")  # ignore the computed fields when read back from JSON

    tp: int = Field(default=0, ge=0)
    fp: int = Field(default=0, ge=0)
    fn: int = Field(default=0, ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        """tp / (tp + fp), under the ``prf`` convention."""
        return prf(self.tp, self.fp, self.fn)[0]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        """tp / (tp + fn), under the ``prf`` convention."""
        return prf(self.tp, self.fp, self.fn)[1]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, under the ``prf`` convention."""
        return prf(self.tp, self.fp, self.fn)[2]

    def __add__(self, other: Counts) -> Counts:
        return Counts(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class Ratio(BaseModel):
    """``hits`` out of ``total``; the value of an empty ratio (total 0) is 1.0."""

    model_config = ConfigDict(extra="ignore")

    hits: int = Field(default=0, ge=0)
    total: int = Field(default=0, ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> float:
        """hits / total, or 1.0 when total is 0."""
        return self.hits / self.total if self.total else 1.0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(hits=self.hits + other.hits, total=self.total + other.total)


# --------------------------------------------------------------------------- names

#: Dotted abbreviations such as "u.s." or "u.n" (single letters joined by dots, not inside a word).
_DOTTED = re.compile(r"(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W\d_])")
_NON_WORD = re.compile(r"[^\w\s]+")
_WS = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+")
#: Whole-word phrase folds applied after punctuation is stripped (so "U.S." is already "us").
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{src}\b"), dst)
    for src, dst in (
        ("united states of america", "us"),
        ("united states", "us"),
        ("usa", "us"),
        ("united kingdom", "uk"),
        ("united nations", "un"),
    )
)


def normalize_name(name: str) -> str:
    """Canonical form of an actor, place or claimant name for comparison.

    NFKC and casefold; dotted abbreviations lose their dots ("U.S." -> "us"); apostrophes are
    dropped ("Kata'ib" -> "kataib"); any other punctuation becomes a space; whitespace is collapsed;
    a leading "the" is removed; "united states (of america)" / "usa" fold to "us", "united kingdom"
    to "uk", "united nations" to "un".
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    text = re.sub(r"['\u2019\u2018`]", "", text)
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    text = _WS.sub(" ", text).strip()
    text = _LEADING_THE.sub("", text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _contains_words(outer: str, inner: str) -> bool:
    """Whether ``inner`` occurs in ``outer`` as a run of whole words (both already normalised)."""
    return bool(inner) and f" {inner} " in f" {outer} "


def names_match(pred: str | None, gold: str | None, aliases: Iterable[str] = ()) -> bool:
    """Whether a predicted name matches a gold name or one of its aliases.

    Both null matches; one null does not. Otherwise, after ``normalize_name``, the predicted name
    must equal a gold name or alias, or one of the two must occur inside the other as whole
    words ("US forces" matches "US"; "Hezbollah Brigades" matches "Kataib Hezbollah Brigades";
    "Bra" does not match "Brazil"). An empty normalised name never matches.
    """
    if pred is None or gold is None:
        return pred is None and gold is None
    p = normalize_name(pred)
    if not p:
        return False
    for candidate in (gold, *aliases):
        g = normalize_name(candidate)
        if g and (p == g or _contains_words(p, g) or _contains_words(g, p)):
            return True
    return False


# --------------------------------------------------------------------------- dates


def date_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day of an ISO 'YYYY-MM-DD', 'YYYY-Www', 'YYYY-MM' or 'YYYY'; None if unparsable."""
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            return day, day
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + dt.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, month = int(m[1]), int(m[2])
            first = dt.date(year, month, 1)
            nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None
    return None


def date_contains(outer: str | None, inner: str | None) -> bool:
    """Whether every day of ``inner``'s period lies within ``outer``'s period."""
    a, b = date_interval(outer), date_interval(inner)
    return a is not None and b is not None and a[0] <= b[0] and b[1] <= a[1]


def date_agrees(pred: str | None, gold: str | None) -> bool:
    """Date slot credit: equal values, or either period contains the other.

    A predicted day inside a gold week/month/year gets credit, and so does a gold day inside a
    predicted coarser value (e.g. gold '2019-12-27' vs predicted '2019-12' or '2019-W52').
    Two non-nested periods (e.g. a week straddling two months vs one of the months) do not agree.
    """
    if pred is None or gold is None:
        return False
    return pred == gold or date_contains(gold, pred) or date_contains(pred, gold)


def _date_score(pred: str | None, gold: str | None) -> float:
    if pred is not None and pred == gold:
        return 1.0
    return DATE_CONTAINMENT_PARTIAL if date_agrees(pred, gold) else 0.0


# --------------------------------------------------------------------------- slot values


def country_key(name: str | None) -> str | None:
    """A key for comparing country strings: alpha-3 when recognised, else the casefolded name."""
    if name is None or not name.strip():
        return None
    return resolve_country(name)[1] or name.strip().casefold()


def _pred_country_key(loc: Location) -> str | None:
    """``country_key`` of the country as written; the record's code or ISO name when that is empty."""
    return country_key(loc.country) or loc.country_code or country_key(loc.country_name)


def _pred_countries(event: Event) -> frozenset[str]:
    return frozenset(k for k in (_pred_country_key(loc) for loc in event.locations) if k)


def _gold_countries(event: GoldEvent) -> frozenset[str]:
    return frozenset(k for k in (country_key(loc.country) for loc in event.locations) if k)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _places_agree(pred: Sequence[str], gold: Sequence[str]) -> bool:
    """Every gold place matches some predicted place and every predicted place some gold place."""
    return all(any(names_match(p, g) for p in pred) for g in gold) and all(
        any(names_match(p, g) for g in gold) for p in pred
    )


def _show(values: Iterable[str]) -> str | None:
    joined = "; ".join(values)
    return joined or None


def _slot(slot: Slot, pred: Event | None, gold: GoldEvent | None) -> tuple[str | None, str | None, bool]:
    """(gold value, predicted value, agree) of one slot; values are display strings, None when empty.

    ``agree`` means both present and equal under the slot's credit rule; see ``score_article``.
    """
    g: str | None = None
    p: str | None = None
    agree = False
    if slot == "event_type":
        g = gold.event_type if gold else None
        p = pred.event_type if pred else None
        agree = g is not None and g == p
    elif slot == "date":
        g = gold.date.value if gold else None
        p = pred.date.value if pred else None
        agree = date_agrees(p, g)
    elif slot == "date_precision":
        g = gold.date.precision if gold else None
        p = pred.date.precision if pred else None
        agree = g is not None and g == p
    elif slot == "countries":
        gc = _gold_countries(gold) if gold else frozenset()
        pc = _pred_countries(pred) if pred else frozenset()
        g, p = _show(sorted(gc)), _show(sorted(pc))
        agree = bool(gc) and gc == pc
    elif slot == "place":
        gp = [loc.place for loc in gold.locations if loc.place] if gold else []
        pp = [loc.place for loc in pred.locations if loc.place] if pred else []
        g, p = _show(gp), _show(pp)
        agree = bool(gp) and bool(pp) and _places_agree(pp, gp)
    elif slot in ("actor1", "actor2"):
        g = getattr(gold, slot) if gold else None
        p = getattr(pred, slot) if pred else None
        aliases: list[str] = getattr(gold, f"{slot}_aliases") if gold else []
        agree = g is not None and p is not None and names_match(p, g, aliases)
    else:  # fatalities
        gf = gold.fatalities if gold else None
        pf = pred.fatalities if pred else None
        g = None if gf is None else str(gf)
        p = None if pf is None else str(pf)
        agree = gf is not None and gf == pf
    return g, p, agree


# --------------------------------------------------------------------------- similarity and matching


def similarity(pred: Event, gold: GoldEvent) -> float:
    """Weighted agreement of a predicted and a gold event, in [0, 1].

    ``SIMILARITY_WEIGHTS``: event type 0.35 (same sub-event type: full; same ACLED event type
    only: half), date 0.25 (equal value: full; containment: 0.75 of it), countries 0.20 (Jaccard
    over country keys; both empty: full), actor1 0.10 and actor2 0.10 (``names_match`` with the
    gold aliases; both null: full).
    """
    w = SIMILARITY_WEIGHTS
    if pred.event_type == gold.event_type:
        type_score = 1.0
    elif acled_categories(pred.event_type)[0] == acled_categories(gold.event_type)[0]:
        type_score = EVENT_TYPE_PARTIAL
    else:
        type_score = 0.0
    score = (
        w["event_type"] * type_score
        + w["date"] * _date_score(pred.date.value, gold.date.value)
        + w["countries"] * _jaccard(_pred_countries(pred), _gold_countries(gold))
        + w["actor1"] * names_match(pred.actor1, gold.actor1, gold.actor1_aliases)
        + w["actor2"] * names_match(pred.actor2, gold.actor2, gold.actor2_aliases)
    )
    return min(1.0, max(0.0, round(score, 6)))


def _tiebreak(pred: Event, gold: GoldEvent) -> float:
    """Secondary agreement used only to break similarity ties: place, fatalities, shared evidence."""
    places = _slot("place", pred, gold)
    gold_quotes = [fold_quote(e.quote) for e in gold.evidence]
    shared = any(
        p and any(p in g or g in p for g in gold_quotes) for p in (fold_quote(s.quote) for s in pred.evidence)
    )
    return (
        float(places[2] or places[0] == places[1]) + float(pred.fatalities == gold.fatalities) + float(shared)
    ) / 3


def match_events(
    preds: Sequence[Event], golds: Sequence[GoldEvent], threshold: float = MATCH_THRESHOLD
) -> list[tuple[int, int, float]]:
    """One-to-one (pred_index, gold_index, similarity) pairs, sorted by gold index.

    Similarities below ``threshold`` are zeroed before the assignment, so the Hungarian
    algorithm (``scipy.optimize.linear_sum_assignment``, maximising) finds the largest total
    similarity among admissible pairs only; pairs it assigns below the threshold are dropped.
    Equal similarities are told apart by a tie-breaker (same places, same fatalities, a shared
    evidence quote) weighted ``TIEBREAK_WEIGHT``; the returned similarity excludes it.
    """
    if not preds or not golds:
        return []
    sims = np.array([[similarity(p, g) for g in golds] for p in preds], dtype=float)
    ties = np.array([[_tiebreak(p, g) for g in golds] for p in preds], dtype=float)
    weights = np.where(sims >= threshold, sims + TIEBREAK_WEIGHT * ties, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    pairs = [(int(r), int(c), float(sims[r, c])) for r, c in zip(rows, cols, strict=True)]
    return sorted((p for p in pairs if p[2] >= threshold), key=lambda p: p[1])


def _claim_key(claim: CasualtyClaim | GoldCasualty) -> tuple[str, int, str]:
    return claim.kind, claim.count, claim.qualifier


def match_claims(preds: Sequence[CasualtyClaim], golds: Sequence[GoldCasualty]) -> list[tuple[int, int]]:
    """One-to-one (pred_index, gold_index) pairs of claims with equal (kind, count, qualifier).

    Among equal-key claims, pairs are chosen to maximise claimant agreement.
    """
    pairs: list[tuple[int, int]] = []
    keys = {_claim_key(c) for c in preds} & {_claim_key(c) for c in golds}
    for key in sorted(keys, key=str):
        pi = [i for i, c in enumerate(preds) if _claim_key(c) == key]
        gi = [j for j, c in enumerate(golds) if _claim_key(c) == key]
        agree = np.array(
            [[float(names_match(preds[i].claimed_by, golds[j].claimed_by)) for j in gi] for i in pi]
        )
        rows, cols = linear_sum_assignment(agree, maximize=True)
        pairs.extend((pi[r], gi[c]) for r, c in zip(rows, cols, strict=True))
    return sorted(pairs)


# --------------------------------------------------------------------------- grounding


def quote_grounded(span: Span, text: str) -> bool:
    """Whether ``text[start:end]`` equals the span's quote after ``fold_quote``; offsets are not trusted."""
    if not 0 <= span.start <= span.end <= len(text):
        return False
    passage = fold_quote(text[span.start : span.end])
    return bool(passage) and passage == fold_quote(span.quote)


def _spans(event: Event) -> list[Span]:
    return [*event.evidence, *(c.quote for c in event.casualties)]


# --------------------------------------------------------------------------- scores


class FieldDiff(BaseModel):
    """One slot of a matched pair: both values (display strings) and whether they agree."""

    field: Slot
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
    fields: list[FieldDiff]
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


def _slot_counts(pred: Event | None, gold: GoldEvent | None, slot: Slot) -> tuple[Counts, FieldDiff]:
    g, p, agree = _slot(slot, pred, gold)
    tp = int(agree)
    counts = Counts(tp=tp, fp=int(p is not None) - tp, fn=int(g is not None) - tp)
    return counts, FieldDiff(field=slot, gold=g, pred=p, agree=agree or (g is None and p is None))


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
            names_match(p.casualties[a].claimed_by, g.casualties[b].claimed_by) for a, b in claim_pairs
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
                fields=diffs,
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
                claimed_by_pred=p.claimed_by,
                attribution_agrees=names_match(p.claimed_by, g.claimed_by),
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
            claimed_by_pred=p.claimed_by,
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
