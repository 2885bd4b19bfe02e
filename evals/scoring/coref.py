"""Coreference metrics of a clustering against a key clustering: MUC, B-cubed, CEAF-e, CoNLL F1, BLANC.

Mentions are any hashable ids; a clustering is a collection of disjoint sets of them. The key and
the response may hold different mentions (a response mention with no key twin, or a key mention
the response missed): the formulas are those of Pradhan et al. (2014), which define every metric
for such "system mentions", with BLANC as extended by Luo et al. (2014).

* **MUC** (Vilain et al., 1995): R = Σ_k (|k| − |p(k, R)|) / Σ_k (|k| − 1), where p(k, R) is the
  partition of k by the response (a mention of k the response lacks is its own part); P swaps
  key and response. MUC counts links only, so its 0/0 cases follow the evals README's convention
  (no items on either side = 1.0, any other 0/0 = 0.0): when neither side has a link (every entity
  a singleton on both sides) R = P = F1 = 1.0; when only one side has links, the other side's
  ratio is 0/0 and counts 0, so F1 is 0. (The CoNLL reference scorer gives 0 in the first case
  too; a perfect merge of singleton gold would then be reported as MUC 0 and CoNLL F1 0.667.)
* **B-cubed** (Bagga and Baldwin, 1998): R = Σ_k Σ_r |k∩r|² / |k| / Σ_k |k|; P swaps the roles.
* **CEAF-e** (Luo, 2005): φ4(k, r) = 2|k∩r| / (|k| + |r|); the best one-to-one alignment of key and
  response entities (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``) gives
  Φ*; R = Φ* / |K|, P = Φ* / |R|.
* **CoNLL F1**: the mean of the MUC, B-cubed and CEAF-e F1 (the CoNLL-2011/2012 official score).
* **BLANC** (Recasens and Hovy, 2011; Luo et al., 2014): coreference links C and non-coreference
  links N of each side; R_c = |C_k∩C_r| / |C_k|, P_c = |C_k∩C_r| / |C_r|, likewise for N; BLANC
  is the mean of the two (R, P, F) — only the N part when neither side has a coreference link,
  only the C part when neither side has a non-coreference link.

F1 is the harmonic mean of R and P, 0 when both are 0. ``tests/test_coref.py`` checks every metric
against the worked test cases of the CoNLL reference scorer (Pradhan et al., 2014).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Hashable, Iterable, Mapping

import numpy as np
from pydantic import BaseModel, Field
from scipy.optimize import linear_sum_assignment

__all__ = [
    "CorefScores",
    "Prf",
    "b_cubed",
    "blanc",
    "ceaf_e",
    "clusters_from_labels",
    "coref_scores",
    "muc",
]

Clustering = Collection[frozenset[Hashable]]


class Prf(BaseModel):
    """Recall, precision and F1 of one metric."""

    recall: float
    precision: float
    f1: float


class CorefScores(BaseModel):
    """Every metric of one response against one key, with the sizes behind them."""

    muc: Prf
    b_cubed: Prf
    ceaf_e: Prf
    blanc: Prf
    conll_f1: float = Field(description="Mean of the MUC, B-cubed and CEAF-e F1.")
    key_mentions: int
    key_entities: int
    response_mentions: int
    response_entities: int

    def figures(self) -> dict[str, float]:
        """Flat figures: ``<metric>.<r|p|f1>`` and ``conll_f1``."""
        out = {"conll_f1": self.conll_f1}
        for name in ("muc", "b_cubed", "ceaf_e", "blanc"):
            prf: Prf = getattr(self, name)
            out.update(
                {f"{name}.recall": prf.recall, f"{name}.precision": prf.precision, f"{name}.f1": prf.f1}
            )
        return out


def _prf(recall: float, precision: float) -> Prf:
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return Prf(recall=recall, precision=precision, f1=f1)


def clusters_from_labels(labels: Mapping[Hashable, Hashable]) -> list[frozenset[Hashable]]:
    """Group mentions by label: {mention: entity} -> clusters."""
    groups: dict[Hashable, set[Hashable]] = {}
    for mention, label in labels.items():
        groups.setdefault(label, set()).add(mention)
    return [frozenset(g) for g in groups.values()]


def _parts(cluster: frozenset[Hashable], other: Clustering) -> int:
    """|p(cluster, other)|: parts of ``cluster`` induced by ``other``; unmatched mentions are parts alone."""
    covered = [len(cluster & o) for o in other if cluster & o]
    return len(covered) + len(cluster) - sum(covered)


def _muc_side(a: Clustering, b: Clustering) -> float:
    denominator = sum(len(k) - 1 for k in a)
    if denominator == 0:
        return 0.0
    return sum(len(k) - _parts(k, b) for k in a) / denominator


def muc(key: Clustering, response: Clustering) -> Prf:
    """MUC (R, P, F1); 1.0 when neither side has a coreference link, 0 when only one side has none."""
    key_links = any(len(k) > 1 for k in key)
    response_links = any(len(r) > 1 for r in response)
    if not key_links and not response_links:
        return _prf(1.0, 1.0)
    if not key_links or not response_links:
        return _prf(0.0, 0.0)
    return _prf(_muc_side(key, response), _muc_side(response, key))


def _b3_side(a: Clustering, b: Clustering) -> float:
    total = sum(len(k) for k in a)
    if total == 0:
        return 0.0
    return sum(len(k & r) ** 2 / len(k) for k in a for r in b) / total


def b_cubed(key: Clustering, response: Clustering) -> Prf:
    """B-cubed (R, P, F1)."""
    return _prf(_b3_side(key, response), _b3_side(response, key))


def ceaf_e(key: Clustering, response: Clustering) -> Prf:
    """Entity-based CEAF (φ4) (R, P, F1)."""
    keys, responses = list(key), list(response)
    if not keys or not responses:
        return _prf(0.0, 0.0)
    phi = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in responses] for k in keys])
    rows, cols = linear_sum_assignment(phi, maximize=True)
    best = float(phi[rows, cols].sum())
    return _prf(best / len(keys), best / len(responses))


def _links(clustering: Clustering) -> tuple[set[frozenset[Hashable]], set[frozenset[Hashable]]]:
    """(coreference links, non-coreference links) among the clustering's mentions."""
    mentions = sorted((m for c in clustering for m in c), key=repr)
    entity = {m: i for i, c in enumerate(clustering) for m in c}
    coref: set[frozenset[Hashable]] = set()
    non: set[frozenset[Hashable]] = set()
    for a, b in itertools.combinations(mentions, 2):
        (coref if entity[a] == entity[b] else non).add(frozenset((a, b)))
    return coref, non


def _link_prf(key: set[frozenset[Hashable]], response: set[frozenset[Hashable]]) -> Prf:
    if not key or not response:
        return _prf(0.0, 0.0)
    common = len(key & response)
    return _prf(common / len(key), common / len(response))


def blanc(key: Clustering, response: Clustering) -> Prf:
    """BLANC (R, P, F) for system mentions (Luo et al., 2014)."""
    key_mentions = {m for k in key for m in k}
    response_mentions = {m for r in response for m in r}
    if len(key_mentions) == 1 and len(response_mentions) == 1:
        same = key_mentions == response_mentions
        return _prf(float(same), float(same))
    ck, nk = _links(key)
    cr, nr = _links(response)
    c, n = _link_prf(ck, cr), _link_prf(nk, nr)
    if not ck and not cr:
        return n
    if not nk and not nr:
        return c
    return Prf(
        recall=(c.recall + n.recall) / 2, precision=(c.precision + n.precision) / 2, f1=(c.f1 + n.f1) / 2
    )


def coref_scores(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> CorefScores:
    """Every metric of ``response`` against ``key`` (clusterings: iterables of mention ids)."""
    k = [frozenset(c) for c in key if c]
    r = [frozenset(c) for c in response if c]
    m, b, e = muc(k, r), b_cubed(k, r), ceaf_e(k, r)
    return CorefScores(
        muc=m,
        b_cubed=b,
        ceaf_e=e,
        blanc=blanc(k, r),
        conll_f1=(m.f1 + b.f1 + e.f1) / 3,
        key_mentions=sum(len(c) for c in k),
        key_entities=len(k),
        response_mentions=sum(len(c) for c in r),
        response_entities=len(r),
    )
