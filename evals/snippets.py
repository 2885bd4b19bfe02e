"""Snippet classification in the CASE 2021 Task 2 format: sub-event type accuracy, macro-F1, rejection.

A TSV file with columns ``id``, ``EventSnippet``, ``SubType`` (25 ACLED sub-event codes and five
codes that are not conflict events). Each snippet goes through the pipeline as one article with no
publication date; the prediction is the first event's sub-event type, or "no event". Figures:

* **type accuracy**: over snippets whose label is an ACLED type, the share predicted exactly;
* **macro-F1**: the mean over the 25 ACLED labels of per-label F1 ("no event" is a prediction
  that counts against recall only);
* **non-event rejection**: over snippets whose label is not a conflict event, the share with no event;
* **mention recall** and **type accuracy among detected**: the per-component split of the first figure.

The file is read at run time; nothing of it is stored.
"""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from schemas.events_v1 import SubEventType

__all__ = ["CODES", "NON_EVENT_CODES", "Snippet", "SnippetScores", "read_snippets", "score_snippets"]

CODES: Final[dict[str, SubEventType]] = {
    "ABDUCT_DISSAP": "Abduction/forced disappearance",
    "AGREEMENT": "Agreement",
    "AIR_STRIKE": "Air/drone strike",
    "ARMED_CLASH": "Armed clash",
    "ARREST": "Arrests",
    "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "ATTACK": "Attack",
    "CHANGE_TO_GROUP_ACT": "Change to group/activity",
    "CHEM_WEAP": "Chemical weapon",
    "DISR_WEAP": "Disrupted weapons use",
    "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "GOV_REGAINS_TERIT": "Government regains territory",
    "GRENADE": "Grenade",
    "HQ_ESTABLISHED": "Headquarters or base established",
    "MOB_VIOL": "Mob violence",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
    "OTHER": "Other",
    "PEACE_PROTEST": "Peaceful protest",
    "PROPERTY_DISTRUCT": "Looting/property destruction",
    "PROTEST_WITH_INTER": "Protest with intervention",
    "REM_EXPLOS": "Remote explosive/landmine/IED",
    "SEX_VIOL": "Sexual violence",
    "SUIC_BOMB": "Suicide bomb",
    "VIOL_DEMONSTR": "Violent demonstration",
}
NON_EVENT_CODES: Final = frozenset({"ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB"})


@dataclasses.dataclass(frozen=True)
class Snippet:
    snippet_id: str
    text: str
    code: str


@dataclasses.dataclass(frozen=True)
class SnippetScores:
    """The figures of one run (see the module docstring)."""

    snippets: int
    event_snippets: int
    non_event_snippets: int
    type_accuracy: float
    macro_f1: float
    non_event_rejection: float
    mention_recall: float
    type_accuracy_detected: float
    predicted: dict[str, int]


def read_snippets(path: Path) -> list[Snippet]:
    """The rows of a CASE 2021 Task 2 TSV file (``id``, ``EventSnippet``, ``SubType``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    snippets = []
    for row in rows:
        code = (row.get("SubType") or "").strip()
        if code not in CODES and code not in NON_EVENT_CODES:
            raise ValueError(f"{path}: row {row.get('id')!r} has an unknown label {code!r}")
        snippets.append(Snippet(str(row.get("id")), row.get("EventSnippet") or "", code))
    return snippets


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


def _macro_f1(pairs: Iterable[tuple[str, str | None]]) -> float:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, pred in pairs:
        if gold == pred:
            tp[gold] += 1
            continue
        if gold in CODES.values():
            fn[gold] += 1
        if pred is not None:
            fp[pred] += 1
    scores = []
    for label in CODES.values():
        p_den, r_den = tp[label] + fp[label], tp[label] + fn[label]
        precision = tp[label] / p_den if p_den else 0.0
        recall = tp[label] / r_den if r_den else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return round(sum(scores) / len(scores), 3)


def score_snippets(snippets: list[Snippet], predict: Callable[[str], str | None]) -> SnippetScores:
    """Predict each snippet's sub-event type (``None``: no event) and score the predictions."""
    pairs: list[tuple[str, str | None]] = []
    for snippet in snippets:
        gold = CODES.get(snippet.code, snippet.code)
        pairs.append((gold, predict(snippet.text)))
    events = [(g, p) for (g, p), s in zip(pairs, snippets, strict=True) if s.code in CODES]
    non_events = [p for (_, p), s in zip(pairs, snippets, strict=True) if s.code in NON_EVENT_CODES]
    detected = [(g, p) for g, p in events if p is not None]
    return SnippetScores(
        snippets=len(snippets),
        event_snippets=len(events),
        non_event_snippets=len(non_events),
        type_accuracy=_ratio(sum(g == p for g, p in events), len(events)),
        macro_f1=_macro_f1(events + [("non-event", p) for p in non_events]),
        non_event_rejection=_ratio(sum(p is None for p in non_events), len(non_events)),
        mention_recall=_ratio(len(detected), len(events)),
        type_accuracy_detected=_ratio(sum(g == p for g, p in detected), len(detected)),
        predicted=dict(Counter(p or "no event" for _, p in pairs).most_common()),
    )
