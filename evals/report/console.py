"""The headline figures printed as a rich table."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .candidates import ceiling_rows
from .model import Report
from .text import dropped_line, fmt, headline_rows

__all__ = ["print_headline"]


def print_headline(report: Report, console: Console | None = None) -> None:
    """Print the headline figures as a rich table (and the ids of failed articles)."""
    console = console or Console()
    table = Table(title=f"Evaluation ({report.mode}, {len(report.articles)} articles, micro)")
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    table.add_column("Basis")
    for row in headline_rows(report):
        table.add_row(*row)
    console.print(table)
    console.print(escape(dropped_line(report)))
    if report.corpus is not None:
        c = report.corpus
        merge_table = Table(title=f"Corpus merge vs gold global_ids (threshold {c.threshold})")
        for column in ("Metric", "Gold mentions R", "P", "F1", "End to end R", "P", "F1"):
            merge_table.add_column(column, justify="left" if column == "Metric" else "right")
        for name, label in (("muc", "MUC"), ("b_cubed", "B-cubed"), ("ceaf_e", "CEAF-e"), ("blanc", "BLANC")):
            g, e = getattr(c.gold_mentions, name), getattr(c.end_to_end, name)
            merge_table.add_row(
                label, *(fmt(v) for v in (g.recall, g.precision, g.f1, e.recall, e.precision, e.f1))
            )
        merge_table.add_row(
            "CoNLL F1", "", "", fmt(c.gold_mentions.conll_f1), "", "", fmt(c.end_to_end.conll_f1)
        )
        console.print(merge_table)
    if report.candidates is not None:
        cands = report.candidates
        ceiling = Table(
            title=f"Code's candidates: {cands.mentions_found} mentions, {cands.mentions_merged} merged, "
            f"{sum(cands.excluded.values())} excluded; ceiling of the LLM path"
        )
        for column in ("Field", "Ceiling", "Gold events", "This run"):
            ceiling.add_column(column, justify="left" if column == "Field" else "right")
        for field, value, basis, run in ceiling_rows(report):
            ceiling.add_row(field, value, basis, run)
        console.print(ceiling)
    if report.errors:
        failed = escape(", ".join(report.errors))
        console.print(f"[red]{len(report.errors)} article(s) failed:[/red] {failed}")
