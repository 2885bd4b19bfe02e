"""Corpus: merge the same real-world event across articles, every claim and source kept.

``merge(results)`` clusters the events of many ``ArticleResult``s into ``schemas.corpus_v2``
corpus events. ``merge`` holds the clustering and ``IncrementalCorpus`` (the same corpus kept up
to date as results arrive); ``features`` the similarity, its blocks, weights and threshold;
``blocking`` the index that finds the pairs worth comparing; ``assembly`` one corpus event from
its mentions; ``io`` reads results and corpus JSONL files line by line (a bad line is named and
skipped) and writes corpus JSONL; ``cli`` holds ``extractor merge`` and ``extractor export``.
The corpus works on records only: it never calls an LLM.
"""

from __future__ import annotations

from schemas.corpus_v2 import CorpusEvent

from ..derive.periods import date_interval
from .assembly import Cluster
from .features import MERGE_THRESHOLD, WEIGHTS
from .io import LineProblem, Located, read_corpus, read_results, write_corpus
from .merge import Corpus, CorpusEvents, IncrementalCorpus, MergeWarning, merge

__all__ = [
    "MERGE_THRESHOLD",
    "WEIGHTS",
    "Cluster",
    "Corpus",
    "CorpusEvent",
    "CorpusEvents",
    "IncrementalCorpus",
    "LineProblem",
    "Located",
    "MergeWarning",
    "date_interval",
    "merge",
    "read_corpus",
    "read_results",
    "write_corpus",
]
