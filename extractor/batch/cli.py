"""``extractor batch ...``: thin commands over ``extractor.batch``.

Exit codes as for ``extract``: 0 everything succeeded; 1 some input, line or article failed (each
named on stderr with its file, and line when there is one); 2 usage error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console

from ..cli_params import iso_date, settings_from_env
from ..errors import ExtractorError
from ..llm import BatchInfo, BatchService, LocalModelServer
from ..output import JsonlOutput, OutputFileError
from .collect import collect
from .prepare import PrepareReport, prepare, prepare_retry
from .run import run_requests

__all__ = ["batch"]

_err = Console(stderr=True)


def _say(line: str) -> None:
    _err.print(line, markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _errors_exit() -> Iterator[None]:
    """An ``ExtractorError`` becomes one line on stderr and exit 1, never a traceback."""
    try:
        yield
    except ExtractorError as exc:
        _say(f"error: {exc}")
        sys.exit(1)


@click.group()
def batch() -> None:
    """Request files for the OpenAI Batch API and vLLM run-batch, and their answers back."""


def _report_prepared(report: PrepareReport) -> None:
    files = ", ".join(str(path) for path in report.files) or "no file"
    _say(f"wrote {report.requests} request(s) to {files}; manifest {report.manifest}")


@batch.command("prepare")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--prompt", help="Prompt id or id.vN (default: EXTRACTOR_PROMPT).")
@click.option("--model", help="Model name written into every request (EXTRACTOR_MODEL).")
@click.option("--base-url", help="The endpoint the requests are meant for; decides the endpoint kind.")
@click.option(
    "--published",
    metavar="YYYY-MM-DD",
    callback=iso_date,
    help="Publication date (YYYY-MM-DD) for every file.",
)
@click.option(
    "--retry-from",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Build the re-ask round for the results of `batch collect` whose answer failed validation.",
)
def prepare_command(
    files: tuple[Path, ...],
    output: Path,
    prompt: str | None,
    model: str | None,
    base_url: str | None,
    published: dt.date | None,
    retry_from: Path | None,
) -> None:
    """One OpenAI Batch request line per article FILE (the exact live request), and a manifest."""
    settings = settings_from_env(prompt=prompt, model=model, base_url=base_url)
    if retry_from is not None:
        if files:
            raise click.UsageError("--retry-from reads the articles from the manifest: give no FILES")
        with _errors_exit():
            _report_prepared(prepare_retry(retry_from, output, settings))
        return
    if not files:
        raise click.UsageError("give the article FILES (or --retry-from results.jsonl)")

    def refused(source: str, error: ExtractorError) -> None:
        _say(f"failed: {source}: {' '.join(str(error).removeprefix(f'{source}: ').split())}")

    with _errors_exit():
        report = prepare(files, output, settings, published=published, on_refused=refused)
    _report_prepared(report)
    sys.exit(1 if report.refused else 0)


@batch.command("run")
@click.argument("requests", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--base-url", help="OpenAI-compatible endpoint (EXTRACTOR_BASE_URL); unset = embedded model.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 256))
def run_command(requests: Path, output: Path, base_url: str | None, concurrency: int) -> None:
    """Send every request of REQUESTS to an endpoint; write OpenAI-format output lines."""
    settings = settings_from_env(base_url=base_url)
    server = None
    with _errors_exit():
        try:
            url = settings.llm.base_url
            if url is None:
                server = LocalModelServer(settings.llm.local_model_path).start()
                url = server.base_url
            report = run_requests(requests, output, settings, base_url=url, concurrency=concurrency)
        finally:
            if server is not None:
                server.stop()
    rate = report.requests / report.seconds if report.seconds else 0.0
    _say(
        f"{report.requests} request(s) in {report.seconds:.1f} s ({rate:.3f}/s) at concurrency "
        f"{concurrency}; {report.failed} failed; wrote {output}"
    )
    sys.exit(1 if report.failed else 0)


@batch.command("collect")
@click.argument("outputs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--manifest", "manifest_file", required=True, type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--resume", is_flag=True, help="Continue -o FILE: skip articles it already has a result for.")
@click.option("--batch-id", help="The engine's batch id, recorded in each result's provenance.")
@click.option("--base-url", help="The endpoint the batch was prepared for (default: the manifest's).")
@click.option("--model", help="The model the batch was prepared for (default: the manifest's).")
def collect_command(
    outputs: tuple[Path, ...],
    manifest_file: Path,
    output: Path,
    resume: bool,
    batch_id: str | None,
    base_url: str | None,
    model: str | None,
) -> None:
    """Ground the answers of OUTPUTS (OpenAI output + error files, or vLLM output) like `extract`.

    The endpoint and model are the manifest's, whatever the environment says.
    """
    settings = settings_from_env()
    try:
        sink = JsonlOutput.open(output, resume=resume)
    except OutputFileError as exc:
        raise click.UsageError(f"-o {exc}") from None
    with contextlib.closing(sink), _errors_exit():
        report = collect(
            outputs,
            manifest_file,
            sink,
            settings,
            batch_id=batch_id,
            base_url=base_url,
            model=model,
            on_failure=lambda where, why: _say(f"failed: {where}: {why}"),
        )
    if report.failed_validation:
        _say(
            f"{len(report.failed_validation)} answer(s) failed validation: "
            f"{', '.join(report.failed_validation)}; re-ask them with "
            f"`extractor batch prepare --retry-from {output} -o ROUND2.jsonl`"
        )
    skipped = f"; skipped {report.skipped} already there" if report.skipped else ""
    _say(f"wrote {report.results} result(s) and {report.errors} error line(s) to {output}{skipped}")
    sys.exit(1 if report.failed else 0)


def _service(base_url: str | None) -> BatchService:
    settings = settings_from_env(base_url=base_url)
    if settings.llm.base_url is None:
        raise click.UsageError("set EXTRACTOR_BASE_URL or --base-url to an endpoint with the Batch API")
    return BatchService(settings)


def _show(info: BatchInfo) -> None:
    click.echo(json.dumps(info.__dict__, indent=1))


@batch.command("submit")
@click.argument("requests", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--base-url", help="Endpoint with the Files and Batches APIs (EXTRACTOR_BASE_URL).")
def submit_command(requests: Path, base_url: str | None) -> None:
    """Upload REQUESTS (purpose=batch) and create a batch with a 24 h completion window."""
    service = _service(base_url)
    with contextlib.closing(service), _errors_exit():
        _show(service.submit(requests, metadata={"extractor_requests": requests.name}))


@batch.command("status")
@click.argument("batch_id")
@click.option("--base-url", help="Endpoint with the Files and Batches APIs (EXTRACTOR_BASE_URL).")
def status_command(batch_id: str, base_url: str | None) -> None:
    """The status and request counts of BATCH_ID."""
    service = _service(base_url)
    with contextlib.closing(service), _errors_exit():
        _show(service.status(batch_id))


@batch.command("download")
@click.argument("batch_id")
@click.option("--dir", "directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--base-url", help="Endpoint with the Files and Batches APIs (EXTRACTOR_BASE_URL).")
def download_command(batch_id: str, directory: Path, base_url: str | None) -> None:
    """Download BATCH_ID's output and error files into --dir (put them beside the manifest)."""
    service = _service(base_url)
    with contextlib.closing(service), _errors_exit():
        info = service.status(batch_id)
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for kind, file_id in (("output", info.output_file_id), ("errors", info.error_file_id)):
            if file_id:
                written.append(service.download(file_id, directory / f"{batch_id}.{kind}.jsonl"))
    if not written:
        _say(f"{batch_id} is {info.status}: no output or error file yet")
        sys.exit(1)
    for path in written:
        click.echo(str(path))
