"""``extractor eval`` and ``extractor eval compare``: registered through the ``extractor.cli`` entry point.

The library never imports ``evals``; ``pyproject.toml`` declares this group under
``[project.entry-points."extractor.cli"]`` and ``extractor.cli`` loads it at start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from extractor.errors import ExtractorError
from extractor.settings import Settings

from .compare import (
    ReportFormatError,
    compare_reports,
    exact_differences,
    gate,
    load_report,
    render_comparison,
)
from .runner import EvalRunError, run_eval

__all__ = ["eval_"]

err = Console(stderr=True)


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except ExtractorError as exc:
        raise click.UsageError(str(exc)) from None


@click.group("eval", invoke_without_command=True)
@click.option("--prompt", help="Prompt id or id.vN (default: EXTRACTOR_PROMPT or events.v4).")
@click.option("--model", help="Model name (live mode).")
@click.option("--base-url", help="Endpoint (live/record mode); unset = embedded model.")
@click.option("--mode", type=click.Choice(["live", "replay", "record"]), default="replay", show_default=True)
@click.option(
    "--only-missing",
    is_flag=True,
    help="Record mode: keep each article's recording while it still answers every request; "
    "record only the articles whose requests changed.",
)
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("out/eval"), show_default=True
)
@click.pass_context
def eval_(
    ctx: click.Context,
    prompt: str | None,
    model: str | None,
    base_url: str | None,
    mode: str,
    only_missing: bool,
    out: Path,
) -> None:
    """Extract the eval articles and score them against the gold (writes report.json/.md/.html)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings(model=model, base_url=base_url)
    try:
        report = run_eval(
            mode=mode,
            prompt=prompt or settings.prompt,
            settings=settings,
            out_dir=out,
            console=Console(),
            only_missing=only_missing,
        )
    except (ExtractorError, EvalRunError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    if report.errors:
        sys.exit(1)


@eval_.command("compare")
@click.argument("base", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--metric", default="event_f1", show_default=True, help="Headline figure the gate watches.")
@click.option(
    "--tolerance",
    default=0.02,
    show_default=True,
    type=float,
    help="Largest allowed drop of --metric (absolute).",
)
@click.option(
    "--exact",
    is_flag=True,
    help="Replay gate: fail on ANY difference of a figure or count, up or down (replay is deterministic).",
)
@click.option(
    "--rerender-hint",
    default="make baseline",
    show_default=True,
    help="The command printed, with --exact, to re-render the baseline after a deliberate change.",
)
def eval_compare(
    base: Path, new: Path, metric: str, tolerance: float, exact: bool, rerender_hint: str
) -> None:
    """Compare two eval reports; exit 1 when METRIC drops by more than TOLERANCE (or, with --exact,
    when any figure or count differs)."""
    try:
        base_report, new_report = load_report(base), load_report(new)
    except ReportFormatError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    if exact:
        differences = exact_differences(base_report, new_report)
        if differences:
            err.print(
                f"replay gate failed: {len(differences)} figure(s) or count(s) differ from {base}:\n  "
                + "\n  ".join(differences)
                + f"\nIf the change is deliberate, re-render the baseline with: {rerender_hint}",
                markup=False,
                highlight=False,
            )
            sys.exit(1)
        err.print(f"replay gate passed: every figure and count equals {base}")
        return
    comparison = compare_reports(base_report, new_report)
    click.echo(render_comparison(comparison))
    try:
        ok = gate(comparison, metric, tolerance)
    except (KeyError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--metric") from None
    if not ok:
        err.print(f"gate failed: {metric} dropped by more than {tolerance}")
        sys.exit(1)
    err.print(f"gate passed: {metric} within {tolerance} of the baseline")
