"""Highlighting spans in an article: the text cut into runs, each with the kinds and labels covering it.

One highlighter for every face that shows grounded records in their text: the eval report
(gold vs predicted evidence) and the service's review page (evidence, actors, places, dates,
claims). Rendering (and escaping) is the caller's job.

    >>> [(r.text, r.kinds) for r in highlight_spans("abcdef", [(1, 3, "evidence", "#0")])]
    [('a', ()), ('bc', ('evidence',)), ('def', ())]
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable

__all__ = ["Highlighted", "highlight_spans"]


@dataclasses.dataclass(frozen=True)
class Highlighted:
    """A run of the text and what covers it: span kinds (in first-seen order) and labels."""

    text: str
    start: int
    kinds: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        """``"kind label; kind label"``: what a tooltip shows."""
        return "; ".join(f"{kind} {label}".strip() for kind, label in self.labels)


def highlight_spans(text: str, spans: Iterable[tuple[int, int, str, str]]) -> list[Highlighted]:
    """Cut ``text`` at every span boundary; spans are ``(start, end, kind, label)``.

    Empty or out-of-range spans are ignored. Adjacent runs covered by the same kinds and labels
    are joined; the runs' texts concatenate back to ``text``.
    """
    n = len(text)
    kept = [(s, e, kind, label) for s, e, kind, label in spans if 0 <= s < e <= n]
    cuts = sorted({0, n, *(s for s, _, _, _ in kept), *(e for _, e, _, _ in kept)})
    runs: list[Highlighted] = []
    for a, b in itertools.pairwise(cuts):
        covering = [(kind, label) for s, e, kind, label in kept if s <= a and b <= e]
        kinds = tuple(dict.fromkeys(kind for kind, _ in covering))
        labels = tuple(dict.fromkeys(covering))
        if runs and runs[-1].kinds == kinds and runs[-1].labels == labels:
            last = runs[-1]
            runs[-1] = dataclasses.replace(last, text=last.text + text[a:b])
        else:
            runs.append(Highlighted(text=text[a:b], start=a, kinds=kinds, labels=labels))
    return runs
