"""``extractor eval``, ``eval compare`` and ``eval agreement``: registered through the ``extractor.cli``
entry point.

The library never imports ``evals``; ``pyproject.toml`` declares this group under
``[project.entry-points."extractor.cli"]`` and ``extractor.cli`` loads it at start-up. The
subcommands scoring one component on an outside benchmark (``eval snippets``, ``eval places``) are
in ``cli_benchmarks.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from extractor.cli_params import settings_from_env
from extractor.errors import ExtractorError

from .cli_benchmarks import eval_places, eval_snippets
from .compare import compare_reports
from .gate import exact_differences, gate
from .report import ReportFormatError, load_report, render_comparison
from .runner import EvalRunError, run_eval

__all__ = ["eval_"]

err = Console(stderr=True)


@click.group("eval", invoke_without_command=True)
@click.option("--prompt", help="Prompt id or id.vN (default: EXTRACTOR_PROMPT or events.v5).")
@click.option("--model", help="Model name (live mode).")
@click.option("--base-url", help="Endpoint (live/record mode); unset = embedded model.")
@click.option(
    "--mode",
    type=click.Choice(["live", "replay", "record"]),
    help="replay (the default for the five eval articles: their recorded answers), live (the default "
    "with --articles: the configured endpoint, or code alone with EXTRACTOR_ADJUDICATE=0) or record.",
)
@click.option(
    "--articles",
    "articles_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A folder of articles (<id>.txt, optional <id>.meta.json) to score instead of the five eval "
    "articles; needs --gold.",
)
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The gold of those articles (<id>.json, evals/GUIDELINES.md); needs --articles.",
)
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
    mode: str | None,
    articles_dir: Path | None,
    gold_dir: Path | None,
    only_missing: bool,
    out: Path,
) -> None:
    """Extract the eval articles (or --articles with --gold) and score them against the gold.

    Writes report.json/.md/.html into --out.
    """
    if ctx.invoked_subcommand is not None:
        return
    if (articles_dir is None) != (gold_dir is None):
        raise click.UsageError("--articles and --gold go together: a folder of articles and its gold")
    folders: dict[str, Path] = {}
    if articles_dir is not None and gold_dir is not None:
        folders = {"articles_dir": articles_dir, "gold_dir": gold_dir}
    settings = settings_from_env(model=model, base_url=base_url)
    try:
        report = run_eval(
            mode=mode or ("live" if folders else "replay"),
            prompt=prompt or settings.extraction.prompt,
            settings=settings,
            out_dir=out,
            console=Console(),
            only_missing=only_missing,
            **folders,
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
    metavar="COMMAND",
    help="With --exact: the command to print for re-rendering the baseline after a deliberate change "
    "(default: none; the message names the baseline's file).",
)
def eval_compare(
    base: Path, new: Path, metric: str, tolerance: float, exact: bool, rerender_hint: str | None
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
                + "\nIf the change is deliberate, re-render the baseline "
                + (f"with: {rerender_hint}" if rerender_hint else f"({base}) from the same run"),
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


@eval_.command("agreement")
@click.argument("gold_a", type=click.Path(path_type=Path, exists=True))
@click.argument("gold_b", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--articles",
    "articles_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="The articles' texts (default: evals/articles).",
)
@click.option(
    "--json", "json_out", type=click.Path(path_type=Path, dir_okay=False), help="Write the figures here."
)
def eval_agreement(gold_a: Path, gold_b: Path, articles_dir: Path | None, json_out: Path | None) -> None:
    """Agreement of two annotators: GOLD_B's records scored against GOLD_A's (gold files or directories).

    Prints event F1 between the two, typed event F1, slot F1 per field and claim F1, per article
    and over all articles both labelled.
    """
    import json  # noqa: PLC0415

    from .agreement import AgreementError, agreement  # noqa: PLC0415
    from .gold import ARTICLES_DIR, GoldError  # noqa: PLC0415

    try:
        score = agreement(gold_a, gold_b, articles_dir or ARTICLES_DIR)
    except (AgreementError, GoldError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    names = list(score.figures)
    click.echo(f"{'article':32} " + " ".join(f"{n.removeprefix('slot_f1.'):>14}" for n in names))
    for article in score.articles:
        figures = article.figures
        click.echo(f"{article.article_id:32} " + " ".join(f"{figures[n]:14.3f}" for n in names))
    click.echo(f"{'all (micro)':32} " + " ".join(f"{score.figures[n]:14.3f}" for n in names))
    if json_out is not None:
        per_article = {a.article_id: a.figures for a in score.articles}
        json_out.write_text(json.dumps({"micro": score.figures, "articles": per_article}, indent=2) + "\n")


eval_.add_command(eval_snippets)
eval_.add_command(eval_places)
