"""The evaluation report: a pydantic model built from results and gold, its writers and its reader.

``build_report`` scores every gold article (``evals.scoring``) into a ``Report`` (``model``);
``write_report`` writes ``report.json`` (round-trips through ``Report``), ``report.md``
(``markdown``, which also renders the comparison of two reports) and a self-contained
``report.html`` (``html``); ``load_report`` reads a ``report.json`` back (``reading``);
``print_headline`` prints the headline (``console``). ``text`` holds the labels and number
formats they share.
"""

from __future__ import annotations

from .console import print_headline
from .html import Segment, highlight_segments, mention_excerpt, render_html
from .markdown import render_comparison, render_markdown
from .model import CODE_ONLY, REPORT_FORMAT, ArticleReport, DroppedCounts, Miss, Mode, Report, build_report
from .reading import ReportFormatError, load_report
from .text import dropped_line, figure_label, fmt, fmt_ratio, headline_rows
from .writers import write_report

__all__ = [
    "CODE_ONLY",
    "REPORT_FORMAT",
    "ArticleReport",
    "DroppedCounts",
    "Miss",
    "Mode",
    "Report",
    "ReportFormatError",
    "Segment",
    "build_report",
    "dropped_line",
    "figure_label",
    "fmt",
    "fmt_ratio",
    "headline_rows",
    "highlight_segments",
    "load_report",
    "mention_excerpt",
    "print_headline",
    "render_comparison",
    "render_html",
    "render_markdown",
    "write_report",
]
