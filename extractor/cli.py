"""The ``extractor`` command: a thin layer over the library.

Exit codes: 0 all inputs succeeded; 1 some inputs (or the eval gate) failed, each named with
its reason on stderr; 2 usage error. ``ExtractorError`` becomes a one-line message, never a
traceback.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from schemas.events_v1 import ArticleResult

from .errors import ExtractorError
from .extract import Extractor
from .inputs import Article, load_article, parse_date
from .local_model import LocalModelServer
from .prompts import list_prompts, load_prompt
from .settings import LOCAL_MODEL_ALIAS, Settings

err = Console(stderr=True)


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except ExtractorError as exc:
        raise click.UsageError(str(exc)) from None


def _summary_table(results: list[ArticleResult]) -> Table:
    table = Table(title="Extracted events", show_lines=True)
    for column in ("article", "type", "date", "where", "actor1 -> actor2", "killed", "evidence [start:end]"):
        table.add_column(column, overflow="fold")
    for result in results:
        if not result.events:
            table.add_row(
                result.article_id,
                "(none kept)",
                "",
                "",
                "",
                "",
                f"{len(result.diagnostics.dropped)} dropped as ungrounded/invalid",
            )
        for event in result.events:
            where = "; ".join(
                filter(
                    None,
                    (
                        f"{loc.place or ''} {loc.country_code or loc.country or ''}".strip()
                        for loc in event.locations
                    ),
                )
            )
            span = event.evidence[0]
            table.add_row(
                result.article_id,
                event.event_type,
                event.date.value or "?",
                where,
                f"{event.actor1 or '?'} -> {event.actor2 or '?'}",
                "" if event.fatalities is None else str(event.fatalities),
                f"[{span.start}:{span.end}] {span.quote[:90]}",
            )
    return table


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="-v: one line per LLM request; -vv: debug.")
@click.version_option(package_name="extractor")
def main(verbose: int) -> None:
    """Grounded conflict-event records from news articles."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose < 2:
        for noisy in ("httpx", "openai"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # instructor logs exhausted re-asks at ERROR; extractor handles them (diagnostics) itself
        logging.getLogger("instructor").setLevel(logging.CRITICAL)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--published", help="Publication date (YYYY-MM-DD) for every file; overrides sidecars.")
@click.option("--prompt", help="Prompt id or id.vN (default: EXTRACTOR_PROMPT or events.v3).")
@click.option("--model", help="Model name (EXTRACTOR_MODEL).")
@click.option("--base-url", help="OpenAI-compatible endpoint (EXTRACTOR_BASE_URL); unset = embedded model.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write JSONL here and print a summary table; default: JSONL on stdout.",
)
@click.option("--no-cache", is_flag=True, help="Bypass the response cache.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64))
def extract(
    files: tuple[Path, ...],
    published: str | None,
    prompt: str | None,
    model: str | None,
    base_url: str | None,
    output: Path | None,
    no_cache: bool,
    concurrency: int,
) -> None:
    """Extract event records from plain-text article FILES (one JSONL line per article)."""
    settings = _settings(model=model, base_url=base_url, prompt=prompt, use_cache=False if no_cache else None)
    try:
        pub = parse_date(published, where="--published")
    except ExtractorError as exc:
        raise click.BadParameter(str(exc), param_hint="--published") from None
    failures: dict[str, str] = {}
    articles: list[tuple[int, Article]] = []
    for i, path in enumerate(files):
        try:
            articles.append((i, load_article(path, max_chars=settings.max_article_chars, published=pub)))
        except ExtractorError as exc:
            failures[str(path)] = str(exc)
    results: dict[int, ArticleResult] = {}
    if articles:
        try:
            with (
                Extractor(settings) as session,
                Progress(console=err, transient=True, disable=len(articles) < 2) as progress,
            ):
                task = progress.add_task("extracting", total=len(articles))

                async def run() -> list[ArticleResult | ExtractorError]:
                    try:
                        return await session.aextract_many(
                            [a for _, a in articles],
                            concurrency=concurrency,
                            on_done=lambda: progress.advance(task),
                        )
                    finally:
                        await session.aclose()

                outcomes = asyncio.run(run())
        except ExtractorError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False)
            sys.exit(1)
        for (i, _), outcome in zip(articles, outcomes, strict=True):
            if isinstance(outcome, ExtractorError):
                failures[str(files[i])] = f"{type(outcome).__name__}: {outcome}"
            else:
                results[i] = outcome
    ordered = [results[i] for i in sorted(results)]
    sink: IO[str]
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as sink:
            for result in ordered:
                sink.write(result.model_dump_json() + "\n")
        Console().print(_summary_table(ordered))
        err.print(f"wrote {len(ordered)} result(s) to {output}")
    else:
        for result in ordered:
            click.echo(result.model_dump_json())
    for name, reason in failures.items():
        detail = reason.removeprefix(f"{name}: ")
        err.print(f"[red]failed:[/red] {escape(name)}: {escape(detail)}", markup=True, highlight=False)
    if failures:
        sys.exit(1)


@main.group()
def prompts() -> None:
    """List and show the released prompt versions."""


@prompts.command("list")
def prompts_list() -> None:
    """Every released prompt version."""
    table = Table("name", "schema", "sha256", "description")
    for spec in list_prompts():
        table.add_row(spec.name, spec.schema_version, spec.sha256[:12], " ".join(spec.description.split()))
    Console().print(table)


@prompts.command("show")
@click.argument("name")
@click.option(
    "--article",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Render for this article instead of showing the raw templates.",
)
def prompts_show(name: str, article: Path | None) -> None:
    """Show prompt NAME (id or id.vN): its templates, or the messages rendered for --article."""
    try:
        spec = load_prompt(name)
        if article is None:
            click.echo(f"# {spec.name}  (schema {spec.schema_version}, sha256 {spec.sha256})\n")
            click.echo(f"## system\n{spec.system}\n## user\n{spec.user}")
            click.echo(f"## examples: {len(spec.examples)}")
            return
        loaded = load_article(article, max_chars=Settings().max_article_chars)
        rendered = spec.render(
            article=loaded.text,
            title=loaded.title,
            url=loaded.url,
            published=loaded.published.isoformat() if loaded.published else None,
            article_id=loaded.article_id,
        )
        click.echo(rendered.as_text())
    except ExtractorError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)


@main.group()
def model() -> None:
    """The embedded local model (llama.cpp server with SmolLM2-135M-Instruct)."""


@model.command("serve")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def model_serve(port: int, host: str) -> None:
    """Run the embedded model server in the foreground until interrupted."""
    settings = _settings()
    server = LocalModelServer(settings.local_model_path, host=host, port=port)
    try:
        server.start()
        err.print(
            f"serving on {server.base_url}; point extractor at it with\n"
            f"  EXTRACTOR_BASE_URL={server.base_url} EXTRACTOR_MODEL={LOCAL_MODEL_ALIAS} "
            "EXTRACTOR_ENDPOINT_KIND=llama-cpp-python\nCtrl-C to stop",
            markup=False,
            highlight=False,
        )
        server.wait()
    except KeyboardInterrupt:
        pass
    except ExtractorError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    finally:
        server.stop()


@main.group("eval", invoke_without_command=True)
@click.option("--prompt", help="Prompt id or id.vN (default: EXTRACTOR_PROMPT or events.v3).")
@click.option("--model", help="Model name (live mode).")
@click.option("--base-url", help="Endpoint (live/record mode); unset = embedded model.")
@click.option("--mode", type=click.Choice(["live", "replay", "record"]), default="replay", show_default=True)
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("out/eval"), show_default=True
)
@click.pass_context
def eval_(
    ctx: click.Context, prompt: str | None, model: str | None, base_url: str | None, mode: str, out: Path
) -> None:
    """Extract the eval articles and score them against the gold (writes report.json/.md/.html)."""
    if ctx.invoked_subcommand is not None:
        return
    from evals.runner import EvalRunError, run_eval  # noqa: PLC0415 - the CLI is the only bridge to evals

    settings = _settings(model=model, base_url=base_url)
    try:
        report = run_eval(
            mode=mode, prompt=prompt or settings.prompt, settings=settings, out_dir=out, console=Console()
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
def eval_compare(base: Path, new: Path, metric: str, tolerance: float) -> None:
    """Compare two eval reports; exit 1 when METRIC drops by more than TOLERANCE."""
    from evals.compare import ReportFormatError, compare_reports, gate, load_report, render_comparison  # noqa: PLC0415

    try:
        comparison = compare_reports(load_report(base), load_report(new))
    except ReportFormatError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    click.echo(render_comparison(comparison))
    try:
        ok = gate(comparison, metric, tolerance)
    except (KeyError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--metric") from None
    if not ok:
        err.print(f"gate failed: {metric} dropped by more than {tolerance}")
        sys.exit(1)
    err.print(f"gate passed: {metric} within {tolerance} of the baseline")
