"""The headline figures printed as a rich table."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .model import Report
from .text import dropped_line, headline_rows

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
    if report.errors:
        failed = escape(", ".join(report.errors))
        console.print(f"[red]{len(report.errors)} article(s) failed:[/red] {failed}")
