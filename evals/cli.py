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

from .compare import compare_reports
from .gate import exact_differences, gate
from .report import ReportFormatError, load_report, render_comparison
from .runner import EvalRunError, run_eval

__all__ = ["eval_"]

err = Console(stderr=True)


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except ExtractorError as exc:
        raise click.UsageError(str(exc)) from None


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
    settings = _settings(model=model, base_url=base_url)
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


@eval_.command("snippets")
@click.argument("tsv", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--prompt", default="events.v5", show_default=True, help="Prompt id or id.vN.")
@click.option("--model", help="Model name.")
@click.option(
    "--base-url", help="Endpoint; unset = embedded model (only started if the prompt asks the LLM)."
)
@click.option("--limit", type=int, default=None, help="Score only the first N rows.")
@click.option(
    "--json", "json_out", type=click.Path(path_type=Path, dir_okay=False), help="Write the figures here."
)
def eval_snippets(
    tsv: Path, prompt: str, model: str | None, base_url: str | None, limit: int | None, json_out: Path | None
) -> None:
    """Score sub-event typing on a CASE 2021 Task 2 snippet file (id, EventSnippet, SubType).

    Prints type accuracy over the 25 ACLED labels, macro-F1, non-event rejection, mention recall
    and type accuracy among detected mentions. Adjudication follows EXTRACTOR_ADJUDICATE.
    """
    import dataclasses  # noqa: PLC0415
    import json  # noqa: PLC0415

    from extractor.pipeline import Extractor  # noqa: PLC0415

    from .snippets import read_snippets, score_snippets  # noqa: PLC0415

    try:
        snippets = read_snippets(tsv)[:limit]
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    settings = _settings(model=model, base_url=base_url, use_cache=False)
    failures: list[str] = []
    with Extractor(settings) as session:

        def predict(text: str) -> str | None:
            try:
                result = session.extract(text, prompt=prompt)
            except ExtractorError as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                return None
            return result.events[0].event_type if result.events else None

        scores = score_snippets(snippets, predict)
    figures = dataclasses.asdict(scores) | {
        "prompt": prompt,
        "adjudicate": settings.resolved_adjudicate,
        "errors": len(failures),
    }
    for name in ("snippets", "event_snippets", "non_event_snippets", "type_accuracy", "macro_f1",
                 "non_event_rejection", "mention_recall", "type_accuracy_detected", "errors"):  # fmt: skip
        click.echo(f"{name:24} {figures[name]}")
    click.echo(f"{'predicted':24} {json.dumps(scores.predicted)}")
    if json_out is not None:
        json_out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if failures:
        err.print(f"{len(failures)} snippet(s) failed; first: {failures[0]}", markup=False, highlight=False)


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


@eval_.command("places")
@click.argument("jsonl", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write report.json and report.md here.",
)
@click.option(
    "--no-recognition", is_flag=True, help="Resolution given the gold spans only (no spaCy, no end to end)."
)
def eval_places(jsonl: Path, out_dir: Path | None, no_recognition: bool) -> None:
    """Score the geoparser on a geoparsing file (one article per line with gold toponyms).

    Prints, per corpus, resolution given the gold spans (exact GeoNames id, country, within 161 km,
    median error) and end to end (recognition P/R/F1 with spaCy's entities, then within 161 km).
    """
    import shlex  # noqa: PLC0415

    from extractor.geo import use_cache_dir  # noqa: PLC0415

    from .places_run import places_markdown, run_places, write_places_report  # noqa: PLC0415

    use_cache_dir(_settings().cache.cache_dir)  # the gazetteer index is cached where extract caches it
    recognise = None
    recogniser = "none (gold spans only)"
    if not no_recognition:
        from extractor.strategies.candidates.nlp import MODEL_PACKAGE, nlp_available  # noqa: PLC0415
        from extractor.strategies.candidates.toponyms import toponym_spans  # noqa: PLC0415

        if not nlp_available():
            raise click.UsageError(
                "end-to-end scoring needs spaCy: pip install extractor[nlp] (or --no-recognition)"
            )
        recognise, recogniser = toponym_spans, f"spaCy {MODEL_PACKAGE} GPE/LOC/FAC + country demonyms"
    try:
        scores = run_places(jsonl, recognise, progress=lambda m: err.print(m, markup=False, highlight=False))
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    command = "extractor eval places " + " ".join(shlex.quote(a) for a in sys.argv[3:])
    click.echo(places_markdown(scores, command, recogniser))
    if out_dir is not None:
        write_places_report(out_dir, scores, command, recogniser)
