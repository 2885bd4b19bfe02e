"""``extractor review export``: the articles of a job that analysts marked reviewed, as evals gold."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_params import settings_from_env
from .gold import export_gold

__all__ = ["review"]


@click.group()
def review() -> None:
    """Analysts' reviews of the service's jobs."""


@review.command("export")
@click.argument("job_id")
@click.option(
    "--gold-dir", required=True, type=click.Path(path_type=Path, file_okay=False), help="Where gold files go."
)
@click.option(
    "--articles-dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Where article texts and their .meta.json go.",
)
@click.option(
    "--database-url", help="The service's database (default: EXTRACTOR_DATABASE_URL or its SQLite file)."
)
def export(job_id: str, gold_dir: Path, articles_dir: Path, database_url: str | None) -> None:
    """Write the gold format of every article of JOB_ID marked reviewed (loadable by evals.gold.load_gold).

    Accepted and added records become gold events; rejected ones become exclusions citing the
    rule the analyst chose. Articles not marked reviewed are named and left out.
    """
    try:
        from ..service.reviews import job_articles  # noqa: PLC0415  (needs the service extra)
        from ..service.store import Store  # noqa: PLC0415
    except ImportError as exc:
        raise click.UsageError(f"'extractor review' needs the service extra ({exc})") from None
    settings = settings_from_env(database_url=database_url)
    store = Store(settings.service.resolved_database_url)
    try:
        rows = job_articles(store, job_id)
    finally:
        store.close()
    if not rows:
        click.echo(f"error: job {job_id} has no article results in this database", err=True)
        sys.exit(1)
    done = [row for row in rows if row.review.done]
    for row in rows:
        if not row.review.done:
            click.echo(
                f"skipped: article {row.position} ({row.original.article_id}) is not marked reviewed",
                err=True,
            )
    try:
        written = export_gold([row.reviewed(job_id) for row in done], gold_dir, articles_dir)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} of {len(rows)} articles exported", err=True)
    if not written:
        sys.exit(1)
