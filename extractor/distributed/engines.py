"""Planning a corpus run, and the engine that runs its partitions in this process.

``plan_run`` scans the inputs, cuts them into partitions, opens (or checks) the output directory's
manifest and leaves out the partitions already written: what is left is ``RunPlan.todo``. An
engine then runs those partitions, calling ``on_done`` with each one's ``PartitionReport``, or a
``PartitionFailure`` when a partition could not be written at all (a full disk, a worker that
cannot start its session): its articles are then in no part file, and running the command again
does them.

``LocalEngine`` runs them one after another in this process, through one ``PartitionRunner``;
``extractor.distributed.dask_engine.DaskEngine`` runs them on a Dask cluster.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from ..settings import Settings
from .plan import Partition, RunManifest, open_run, partitions_of, run_manifest
from .runner import PartitionReport, PartitionRunner
from .sources import scan

__all__ = ["Engine", "LocalEngine", "PartitionFailure", "RunOptions", "RunPlan", "plan_run"]


@dataclasses.dataclass(frozen=True)
class PartitionFailure:
    name: str
    articles: int
    message: str


OnDone = Callable[[PartitionReport | PartitionFailure], None]


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How the partitions are run (none of it changes a result)."""

    concurrency: int = 4  # articles in flight per process
    llm_concurrency: int = 8  # requests in flight to the LLM endpoint, for the whole run
    published: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class RunPlan:
    out_dir: Path
    manifest: RunManifest
    partitions: list[Partition]
    todo: list[Partition]

    @property
    def done_before(self) -> int:
        return len(self.partitions) - len(self.todo)

    @property
    def todo_articles(self) -> int:
        return sum(len(p.entries) for p in self.todo)


def plan_run(
    inputs: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    *,
    partition_size: int,
    published: dt.date | None = None,
) -> RunPlan:
    """Scan, partition, and open or check ``out_dir`` (``BatchError`` when it holds another run)."""
    entries = scan(inputs, max_chars=settings.extraction.max_article_chars, published=published)
    partitions = partitions_of(entries, partition_size)
    manifest = run_manifest(
        settings, partitions, inputs=inputs, partition_size=partition_size, published=published
    )
    open_run(out_dir, manifest)
    todo = [p for p in partitions if not (out_dir / p.name).exists()]
    return RunPlan(out_dir, manifest, partitions, todo)


class Engine(Protocol):
    def run(
        self, partitions: Sequence[Partition], out_dir: Path, settings: Settings, options: RunOptions,
        on_done: OnDone,
    ) -> None: ...  # fmt: skip


class LocalEngine:
    """The partitions one after another in this process (the single-process run)."""

    def run(
        self, partitions: Sequence[Partition], out_dir: Path, settings: Settings, options: RunOptions,
        on_done: OnDone,
    ) -> None:  # fmt: skip
        gate = threading.BoundedSemaphore(options.llm_concurrency)
        runner = PartitionRunner(
            settings, concurrency=options.concurrency, gate=gate, published=options.published
        )
        try:
            runner.warm()
            for partition in partitions:
                try:
                    report: PartitionReport | PartitionFailure = runner.run(partition, out_dir)
                except OSError as exc:
                    report = PartitionFailure(partition.name, len(partition.entries), str(exc))
                on_done(report)
        finally:
            runner.close()
