"""The ``extractor`` command: a thin layer over the library.

Exit codes: 0 all inputs succeeded; 1 some inputs (or the eval gate) failed, each named with
its reason on stderr; 2 usage error (an output file that cannot be written or resumed included);
128 + the signal number when ``extract`` was stopped by SIGINT (130), SIGTERM (143) or SIGHUP
(129), see ``extractor.cli_run``; 141 when stdout was closed by its reader (``| head -1``).
``ExtractorError`` becomes a one-line message, never a traceback.

Other packages add commands through the ``extractor.cli`` entry-point group (``evals`` adds
``eval`` this way; ``cli_plugins.py``); the library itself never imports them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .cli_params import VERBOSE_HELP, add_verbosity, iso_date, settings_from_env
from .cli_plugins import PluginGroup
from .cli_run import TABLE_MAX_ARTICLES, ExtractCommand, Show, StopOnSignals, describe_resume
from .errors import ExtractorError
from .inputs import load_article
from .llm import LocalModelServer
from .output import JsonlOutput, OutputFileError, summary_table
from .pipeline import Extractor
from .prompts import list_prompts, load_prompt
from .settings import LOCAL_MODEL_ALIAS, Settings

err = Console(stderr=True)


def _say(line: str) -> None:
    """One line on stderr; a closed terminal (after SIGHUP) does not turn it into a traceback."""
    with contextlib.suppress(OSError):
        err.print(line, markup=False, highlight=False, soft_wrap=True)


@click.group(cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, expose_value=False, callback=add_verbosity, help=VERBOSE_HELP)
@click.version_option(package_name="extractor")
def main() -> None:
    """Grounded conflict-event records from news articles."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--published",
    metavar="YYYY-MM-DD",
    callback=iso_date,
    help="Publication date (YYYY-MM-DD) for every file; overrides sidecars.",
)
@click.option("--prompt", help="Prompt id or id.vN (default: EXTRACTOR_PROMPT or events.v5).")
@click.option("--model", help="Model name (EXTRACTOR_MODEL).")
@click.option("--base-url", help="OpenAI-compatible endpoint (EXTRACTOR_BASE_URL); unset = embedded model.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append one JSONL line per article here as it finishes, then print a summary table; "
    "default: the lines on stdout. An existing non-empty file needs --resume.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue -o FILE: skip articles it has a result for; retry those with an error line.",
)
@click.option("--no-cache", is_flag=True, help="Bypass the response cache.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--table/--no-table",
    default=None,
    help=f"With -o: print the table of events (default: only up to {TABLE_MAX_ARTICLES} articles; "
    "the summary line is always printed).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only failures: no progress, table or summary.")
def extract(
    files: tuple[Path, ...],
    published: dt.date | None,
    prompt: str | None,
    model: str | None,
    base_url: str | None,
    output: Path | None,
    resume: bool,
    no_cache: bool,
    concurrency: int,
    table: bool | None,
    quiet: bool,
) -> None:
    """Extract event records from plain-text article FILES (one JSONL line per article).

    Each line is written as soon as its article is done: a result, or an error line naming the
    file. With -o, a summary line closes the run (and a table of events, for a few hundred
    articles at most, or with --table). SIGINT, SIGTERM and SIGHUP stop the run cleanly (exit 130,
    143, 129).
    """
    settings = settings_from_env(
        model=model, base_url=base_url, prompt=prompt, use_cache=False if no_cache else None
    )
    if resume and output is None:
        raise click.UsageError("--resume continues an output file: give it with -o FILE")
    try:
        sink = JsonlOutput.open(output, resume=resume) if output is not None else JsonlOutput.to_stdout()
    except OutputFileError as exc:
        raise click.UsageError(f"-o {exc}") from None
    if resume and not quiet:
        _say(describe_resume(sink))
    show = Show(table=table, quiet=quiet)
    try:
        _run_extract(sink, settings, files, published, output, concurrency, show)
    except BrokenPipeError:
        _stdout_gone()


def _stdout_gone() -> NoReturn:
    """The reader of stdout went away (``extractor extract ... | head -1``): stop quietly, exit 141.

    Like a Unix tool killed by SIGPIPE, minus the signal: the session was closed on the way out
    (the embedded server is stopped), and stdout now points at /dev/null so that the interpreter's
    final flush does not print a second error.
    """
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(128 + signal.SIGPIPE)


def _run_extract(
    sink: JsonlOutput,
    settings: Settings,
    files: tuple[Path, ...],
    pub: dt.date | None,
    output: Path | None,
    concurrency: int,
    show: Show,
) -> None:
    with contextlib.closing(sink), StopOnSignals() as stop:
        extraction = ExtractCommand(sink, err, progress=not show.quiet)
        extraction.load(files, max_chars=settings.extraction.max_article_chars, published=pub)
        if extraction.articles and stop.signum is None:
            try:
                extraction.run(Extractor(settings), concurrency=concurrency, stop=stop)
            except ExtractorError as exc:
                err.print(
                    f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False, soft_wrap=True
                )
                sys.exit(1)
    if stop.signum is not None:
        _say(stop.message(sink))
        sys.exit(128 + stop.signum)
    if output is not None and not show.quiet:
        if show.wants_table(len(extraction.results)):
            Console().print(summary_table(extraction.results))
        _say(extraction.report(table_left_out=not show.wants_table(len(extraction.results))))
    sys.exit(1 if extraction.failures else 0)


@main.group()
def prompts() -> None:
    """List and show the released prompt versions."""


@prompts.command("list")
def prompts_list() -> None:
    """Every released prompt version."""
    table = Table("name", "schema", "sha256", "description")
    for spec in list_prompts():
        table.add_row(spec.name, spec.schema_version, spec.sha256[:12], spec.summary)
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
        loaded = load_article(article, max_chars=Settings().extraction.max_article_chars)
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
    settings = settings_from_env()
    server = LocalModelServer(
        settings.llm.local_model_path, host=host, port=port, log_dir=settings.cache.cache_dir / "logs"
    )
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve(host: str, port: int) -> None:
    """Run the HTTP service (FastAPI + uvicorn): /v1/extract, /v1/jobs, /docs. Needs extractor[service]."""
    try:
        from .service import serve as run_service  # noqa: PLC0415  (the core install has no FastAPI)
    except ImportError as exc:
        _say(f"error: 'extractor serve' needs the service extra ({exc}): pip install 'extractor[service]'")
        sys.exit(2)
    try:
        run_service(settings_from_env(), host=host, port=port)
    except ExtractorError as exc:
        _say(f"error: {exc}")
        sys.exit(1)


from .corpus.cli import export, merge  # noqa: E402  (commands of other packages, added after main)

main.add_command(merge)
main.add_command(export)

from .batch.cli import batch  # noqa: E402

main.add_command(batch)

from .review.cli import review  # noqa: E402

main.add_command(review)

from .distributed.cli import corpus  # noqa: E402

main.add_command(corpus)
