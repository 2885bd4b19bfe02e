"""A long article is parsed in bounded pieces, and only where the strategy reads: memory no longer
grows with the whole article (one 200,000-character article took 850 MB and 17 s), and nothing of
what the strategy finds is lost at the pieces' seams.

Speed and memory themselves are measured by ``scripts/bench_big_article.py`` (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from extractor.strategies.candidates import mentions as mentions_module
from extractor.strategies.candidates import nlp as nlp_module
from extractor.strategies.candidates.lexicon import find_triggers

EVENT = "Gunmen attacked a convoy near the river on Monday, killing {n} soldiers, officials said."
CALM = "The council met on Tuesday to discuss the budget for roads, schools and clinics in the district."


def _article(paragraphs: int) -> str:
    """Paragraphs of two sentences, one in three telling an attack (its last sentence)."""
    out = []
    for i in range(paragraphs):
        second = EVENT.format(n=i + 2) if i % 3 == 0 else "Residents said prices had risen again."
        out.append(f"{CALM} {second}")
    return "\n\n".join(out) + "\n"


class _Recording:
    """The spaCy pipeline, noting the length of every text it is given to tag and parse."""

    def __init__(self, nlp: Any) -> None:
        self.nlp, self.sizes = nlp, []

    def __call__(self, text: str) -> Any:
        self.sizes.append(len(text))
        return self.nlp(text)

    def pipe(self, texts: Any, **kwargs: Any) -> Any:
        def noted() -> Any:
            for text in texts:
                self.sizes.append(len(text))
                yield text

        return self.nlp.pipe(noted(), **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> _Recording:
    spy = _Recording(nlp_module.load_pipeline())
    monkeypatch.setattr(nlp_module, "load_pipeline", lambda: spy)
    return spy


def test_a_long_text_is_parsed_in_pieces_and_only_where_triggers_are(recording: _Recording) -> None:
    text = _article(400)  # about 3 pieces' worth
    assert len(text) > 2 * nlp_module.PIECE_CHARS
    doc = nlp_module.parse(text, needed=lambda paragraph: bool(find_triggers(paragraph)))
    assert doc.text == text and all(token.idx >= 0 for token in doc)
    longest_paragraph = max(map(len, text.split("\n\n")))
    assert max(recording.sizes) <= nlp_module.PIECE_CHARS + longest_paragraph + 2
    assert sum(recording.sizes) < 0.5 * len(text)  # two paragraphs in three have no trigger


def test_a_short_text_is_parsed_whole_as_before(recording: _Recording) -> None:
    text = _article(10)
    nlp_module.parse(text, needed=lambda paragraph: False)
    assert recording.sizes == [len(text)]


def test_every_event_sentence_of_a_long_article_is_still_found() -> None:
    text = _article(400)
    found = mentions_module.find_mentions(text, dt.date(2024, 5, 1))
    events = [m for m in found.mentions if m.trigger == "attacked"]
    expected = [m.start() for m in re.finditer(re.escape("Gunmen attacked"), text)]
    assert [m.start for m in events] == expected  # the last sentence before each unparsed paragraph too
    assert all(m.claims and m.claims[0].count >= 2 for m in events)
    assert all(
        m.evidence[0].endswith("officials said.") for m in events
    )  # no sentence runs past its paragraph
