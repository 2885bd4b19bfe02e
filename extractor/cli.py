"""The ``extractor`` command: a thin layer over the library.

Exit codes: 0 all inputs succeeded; 1 some inputs (or the eval gate) failed, each named with
its reason on stderr; 2 usage error. ``ExtractorError`` becomes a one-line message, never a
traceback.

Other packages add commands through the ``extractor.cli`` entry-point group (``evals`` adds
``eval`` this way); the library itself never imports them.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from schemas.events_v1 import ArticleResult

from .errors import ExtractorError
from .inputs import Article, load_article, parse_date
from .llm import LocalModelServer
from .pipeline import Extractor
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


def _unavailable(name: str, error: Exception) -> click.Command:
    """A stand-in for a plug-in command whose dependencies are not installed."""

    @click.command(
        name,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    def stand_in() -> None:
        err.print(
            f"error: 'extractor {name}' is not available ({error}); install the extra that provides it, "
            f"e.g. pip install 'extractor[{name}s]'",
            markup=False,
            highlight=False,
        )
        sys.exit(2)

    stand_in.short_help = f"(not installed: {error})"
    return stand_in


class _PluginGroup(click.Group):
    """A group that also offers the commands registered under the ``extractor.cli`` entry points.

    A plug-in is imported only when its command is used (or listed by ``--help``).
    """

    def _points(self) -> dict[str, Any]:
        return {p.name: p for p in entry_points(group="extractor.cli") if p.name not in self.commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._points()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        point = self._points().get(cmd_name)
        if point is None:
            return None
        try:
            loaded = point.load()
        except ImportError as exc:
            return _unavailable(cmd_name, exc)
        return loaded if isinstance(loaded, click.Command) else None


@click.group(cls=_PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
                            on_done=lambda _index, _outcome: progress.advance(task),
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
