"""``extractor corpus extract``: a thin command over ``extractor.distributed``.

Exit codes as for ``extract``: 0 every article has a result; 1 some article has an error line, or
some partition could not be written (each named on stderr); 2 usage error, including an output
directory that holds a run of other settings or other articles; 130 stopped by Ctrl-C (what was
written stays; the same command continues).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import ExtractorError
from ..inputs import parse_date
from ..settings import Settings
from .engines import Engine, LocalEngine, PartitionFailure, RunOptions, RunPlan, plan_run
from .runner import PartitionReport

__all__ = ["corpus"]

_err = Console(stderr=True)


def _say(line: str) -> None:
    _err.print(line, markup=False, highlight=False, soft_wrap=True)


class _Tally:
    def __init__(self) -> None:
        self.results = self.errors = self.partitions = self.failed = self.failed_articles = 0

    def add(self, outcome: PartitionReport | PartitionFailure) -> None:
        if isinstance(outcome, PartitionFailure):
            self.failed += 1
            self.failed_articles += outcome.articles
            _say(f"failed: {outcome.name} ({outcome.articles} article(s)): {outcome.message}")
        else:
            self.partitions += 1
            self.results += outcome.results
            self.errors += outcome.errors


@contextlib.contextmanager
def _engine(name: str, scheduler: str | None, workers: int | None) -> Iterator[Engine]:
    if name == "local":
        yield LocalEngine()
        return
    try:
        from .dask_engine import DaskEngine  # noqa: PLC0415  (the dask extra is optional)
    except ImportError as exc:
        raise click.UsageError(
            f"--engine dask needs the dask extra ({exc}): pip install 'extractor[dask]'"
        ) from None
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:  # -vv shows the cluster's own lines
        logging.getLogger("distributed").setLevel(logging.WARNING)
    with contextlib.ExitStack() as stack:
        try:
            engine = stack.enter_context(DaskEngine(scheduler, workers=workers))
        except OSError as exc:  # distributed's connection timeouts are OSErrors
            raise click.UsageError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        _say(f"Dask dashboard: {engine.dashboard_link} ({engine.worker_count} worker(s))")
        yield engine


def _run(plan: RunPlan, engine: Engine, settings: Settings, options: RunOptions, tally: _Tally) -> float:
    """Run the plan's partitions; the seconds from the engine being ready to the last partition."""
    started = time.perf_counter()
    columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=_err, disable=not plan.todo) as progress:
        task = progress.add_task("extracting", total=plan.todo_articles)

        def done(outcome: PartitionReport | PartitionFailure) -> None:
            tally.add(outcome)
            progress.advance(task, outcome.articles)

        engine.run(plan.todo, plan.out_dir, settings, options, done)
    return time.perf_counter() - started


@click.group()
def corpus() -> None:
    """A whole corpus in partitions: in this process, or on a Dask cluster (--engine dask)."""


@corpus.command("extract")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory of part-NNNNN.jsonl files and manifest.json; the same command again continues it.",
)
@click.option("--partition-size", default=100, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option(
    "--scheduler", help="A Dask scheduler's address (tcp://HOST:8786); default: a LocalCluster here."
)
@click.option(
    "--workers", type=click.IntRange(1, 4096), help="LocalCluster worker processes (default: one per core)."
)
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Articles in flight per worker process.",
)
@click.option(
    "--llm-concurrency",
    default=8,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Requests in flight to the LLM endpoint, for the whole run (a distributed.Semaphore).",
)
@click.option("--published", help="Publication date (YYYY-MM-DD) for every article; overrides the inputs'.")
@click.option("--prompt", help="Prompt id or id.vN (default: EXTRACTOR_PROMPT or events.v5).")
@click.option("--model", help="Model name (EXTRACTOR_MODEL).")
@click.option("--base-url", help="OpenAI-compatible endpoint (EXTRACTOR_BASE_URL); unset = embedded model.")
@click.option("--no-cache", is_flag=True, help="Bypass the response cache.")
def extract_command(
    inputs: tuple[Path, ...], out_dir: Path, partition_size: int, engine: str, scheduler: str | None,
    workers: int | None, concurrency: int, llm_concurrency: int, published: str | None, prompt: str | None,
    model: str | None, base_url: str | None, no_cache: bool,
) -> None:  # fmt: skip
    """Extract every article of INPUTS (JSONL files, folders of .txt files, .txt files) into OUTPUT.

    Each partition of --partition-size articles is written whole, atomically, to its own part
    file, as soon as it is done; a run stopped or killed is continued by the same command.
    """
    if engine == "local" and (scheduler or workers):
        raise click.UsageError("--scheduler and --workers are for --engine dask")
    if scheduler and workers:
        raise click.UsageError("--workers sizes a LocalCluster; a --scheduler's cluster has its own workers")
    try:
        settings = Settings.from_env(
            prompt=prompt, model=model, base_url=base_url, use_cache=False if no_cache else None
        )
        pub: dt.date | None = parse_date(published, where="--published")
        plan = plan_run(list(inputs), out_dir, settings, partition_size=partition_size, published=pub)
    except ExtractorError as exc:
        raise click.UsageError(str(exc)) from None
    _say(
        f"{plan.manifest.articles} article(s) in {len(plan.partitions)} partition(s); "
        f"{plan.done_before} partition(s) already written in {out_dir}"
    )
    options = RunOptions(concurrency=concurrency, llm_concurrency=llm_concurrency, published=pub)
    tally = _Tally()
    try:
        with _engine(engine, scheduler, workers) as chosen:
            seconds = _run(plan, chosen, settings, options, tally)
    except KeyboardInterrupt:
        _say(f"stopped: {tally.partitions} partition(s) written; run the same command again to continue")
        sys.exit(130)
    except ExtractorError as exc:
        _say(f"error: {exc}")
        sys.exit(1)
    _summary(plan, tally, seconds)
    sys.exit(1 if tally.errors or tally.failed else 0)


def _summary(plan: RunPlan, tally: _Tally, seconds: float) -> None:
    done = plan.todo_articles - tally.failed_articles
    rate = done / seconds if seconds > 0 else 0.0
    line = (
        f"wrote {tally.results} result(s) and {tally.errors} error line(s) in {tally.partitions} "
        f"partition(s) to {plan.out_dir} in {seconds:.1f} s ({rate:.2f} articles/s)"
    )
    if plan.done_before:
        line += f"; skipped {plan.done_before} partition(s) already written"
    if tally.failed:
        line += f"; {tally.failed} partition(s) failed: run the same command again to retry them"
    _say(line)
