"""``extractor eval snippets`` and ``extractor eval places``: one component scored on an outside benchmark.

``snippets`` scores sub-event typing on CASE 2021 Task 2 snippets, ``places`` the geoparser on
geoparsing files with gold toponyms. Both are subcommands of ``extractor eval`` (``cli.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from extractor.cli_params import settings_from_env
from extractor.errors import ExtractorError

__all__ = ["eval_places", "eval_snippets"]

err = Console(stderr=True)


@click.command("snippets")
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
    settings = settings_from_env(model=model, base_url=base_url, use_cache=False)
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


@click.command("places")
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

    use_cache_dir(
        settings_from_env().cache.cache_dir
    )  # the gazetteer index is cached where extract caches it
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
