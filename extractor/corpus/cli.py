"""``extractor merge`` and ``extractor export``: thin commands over the corpus and export packages.

Exit codes as for ``extract``: 0 everything was used; 1 some lines were skipped (each named as
``file:line: reason`` on stderr; the rest is merged or exported); 2 usage error.
"""

from __future__ import annotations

import gc
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from extractor.errors import ExtractorError
from extractor.export import EXPORTERS, exporter_for

from .io import LineProblem, read_corpus, read_results, write_corpus
from .merge import merge as merge_results

__all__ = ["export", "merge"]


def _report(problems: Sequence[LineProblem | str]) -> None:
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)


@click.command("merge")
@click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False), help="Corpus JSONL."
)
def merge(results: tuple[Path, ...], output: Path) -> None:
    """Merge the events of RESULTS (JSONL from `extractor extract`) into corpus events (one per line)."""
    loaded, problems = read_results(results)
    # The records read live until the end: frozen, the cyclic garbage collector stops walking them
    # again at each of its passes (a third of the merge's time on 10,000 results).
    gc.freeze()
    where = {loc.record.article_id: loc for loc in loaded}
    corpus = merge_results(loc.record for loc in loaded)  # read_results dropped repeated article ids
    for warning in corpus.warnings:
        loc = where[warning.article_id]
        click.echo(
            f"note: {loc.path}:{loc.line}: article {warning.article_id!r} event #{warning.event_index}: "
            f"{warning.message}",
            err=True,
        )
    n = write_corpus(corpus.events, output)  # each corpus event built as it is written
    click.echo(
        f"merged {corpus.mentions} event(s) of {len(loaded)} article(s) into {n} corpus event(s): {output}",
        err=True,
    )
    _report(problems)
    if problems:
        sys.exit(1)


if TYPE_CHECKING:
    _Choice = click.Choice[str]
else:
    _Choice = click.Choice  # generic only from click 8.2 on


class _Formats(_Choice):
    """The registered exporters' names, read when the option is parsed or shown, not at import."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(EXPORTERS)

    @choices.setter
    def choices(self, value: object) -> None:
        pass  # click.Choice.__init__ sets it; the registry decides


@click.command("export")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=_Formats(),
    default="acled-csv",
    show_default=True,
    help="acled-csv: ACLED's columns in ACLED's order; jsonl: the same rows as JSON objects; "
    "others: installed plug-ins (entry points extractor.exporters).",
)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
def export(corpus: tuple[Path, ...], fmt: str, output: Path) -> None:
    """Export CORPUS (JSONL from `extractor merge`): one ACLED-shaped row per corpus event.

    Results of `extractor extract` are refused (exit 2, nothing written): merge them first.
    """
    try:
        exporter = exporter_for(fmt)
    except ExtractorError as exc:  # a plug-in that cannot be loaded: before anything is read
        raise click.UsageError(str(exc)) from None
    loaded, problems = read_corpus(corpus)
    unmerged = sorted({str(p.path) for p in problems if p.unmerged})
    if unmerged:
        raise click.UsageError(
            f"{', '.join(unmerged)}: article results (from `extractor extract`), not a corpus; merge them "
            f"first, then export the corpus: extractor merge {shlex.join(unmerged)} -o corpus.jsonl && "
            f"extractor export corpus.jsonl -o {shlex.quote(str(output))}"
        )
    n = exporter.write([loc.record for loc in loaded], output)
    click.echo(f"wrote {n} row(s) ({fmt}) to {output}", err=True)
    _report(problems)
    if problems:
        sys.exit(1)
