"""The Dask engine: a corpus run's partitions as tasks on a Dask cluster (``extractor[dask]``).

The only module of ``extractor`` that imports ``dask``/``distributed`` (import contract).

* **Cluster.** ``DaskEngine(address)`` connects to a running scheduler (``dask-scheduler`` and
  ``dask-worker``, dask-kubernetes, dask-jobqueue...); without an address it starts a
  ``LocalCluster`` of one single-threaded worker process per core (``workers`` to choose), its
  scheduler and dashboard on 127.0.0.1.
* **One session per worker.** A ``WorkerPlugin`` (``SessionPlugin``), registered for the run,
  makes a ``PartitionRunner`` on every worker when it joins (a worker restarted after a crash
  included): the NLP pipeline is loaded once per worker process and the worker holds its own LLM
  client. The API key never travels through the cluster: each worker takes ``OPENAI_API_KEY``
  from its own environment.
* **One LLM bound for the run.** A ``distributed.Semaphore`` of ``llm_concurrency`` leases, kept
  by the scheduler, gates every HTTP request of every worker (``gate``). A lease held by a
  worker that died is given back by the scheduler after ``distributed.scheduler.locks.lease-timeout``
  (30 s by default).
* **Faults.** A partition is one task (``pure=False``). When its worker dies mid-partition, the
  scheduler runs it again elsewhere; the part file is written atomically (``parts``), so the
  dead attempt left nothing, and an attempt that finds the file already there does not redo it.
  A task whose workers die ``distributed.scheduler.allowed-failures`` + 1 times (3 by default)
  is reported as a failed partition, as is one whose task raised; its articles are in no part
  file and the next run does them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import dask
from distributed import Client, LocalCluster, Semaphore, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from ..settings import Settings
from .engines import OnDone, PartitionFailure, RunOptions
from .plan import Partition
from .runner import PartitionReport, PartitionRunner

__all__ = ["DaskEngine", "SessionPlugin", "run_partition_task"]

#: Dask starts a LocalCluster's workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (memory given back
#: to the system at once). Extraction allocates and frees small objects all the time: with it, an
#: article costs about 14% more CPU (scripts/bench_scale.py, one process with and without it). A
#: LocalCluster started here leaves glibc's own adaptive threshold; a cluster started elsewhere
#: keeps its own configuration.
_TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


class SessionPlugin(WorkerPlugin):
    """Makes the worker's ``PartitionRunner`` when it joins the run, and closes it when it leaves."""

    def __init__(self, name: str, settings: Settings, options: RunOptions, semaphore: str) -> None:
        self.name = name
        self.settings = settings.replace(
            llm=dataclasses.replace(settings.llm, api_key=None)
        )  # each worker reads its own
        self.options = options
        self.semaphore = semaphore
        self.runner: PartitionRunner | None = None

    async def setup(self, worker: Any) -> None:
        gate = Semaphore(
            max_leases=self.options.llm_concurrency,
            name=self.semaphore,
            scheduler_rpc=worker.scheduler,
            loop=worker.loop,
        )
        self.runner = await asyncio.to_thread(self._start, gate)

    def _start(self, gate: Semaphore) -> PartitionRunner:
        settings = self.settings.replace(api_key=Settings.from_env().llm.api_key)
        runner = PartitionRunner(
            settings, concurrency=self.options.concurrency, gate=gate, published=self.options.published
        )
        try:
            runner.warm()
        except BaseException:
            runner.close()
            raise
        return runner

    async def teardown(self, worker: Any) -> None:
        runner, self.runner = self.runner, None
        if runner is not None:
            await asyncio.to_thread(runner.close)


def run_partition_task(plugin: str, partition: Partition, out_dir: str) -> PartitionReport:
    """The task: one partition through this worker's session."""
    found = get_worker().plugins.get(plugin)
    runner = found.runner if isinstance(found, SessionPlugin) else None
    if runner is None:
        raise RuntimeError(
            f"the extraction session of {plugin} could not be started on this worker (see its log)"
        )
    return runner.run(partition, Path(out_dir))


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class DaskEngine:
    """Partitions as tasks on a Dask cluster: ``with DaskEngine(address) as engine: engine.run(...)``."""

    def __init__(self, scheduler: str | None = None, *, workers: int | None = None) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None

    def __enter__(self) -> DaskEngine:
        if self.scheduler is not None:
            self.client = Client(self.scheduler)
        else:
            with dask.config.set({_TRIM: None}):
                self.cluster = LocalCluster(
                    n_workers=self.workers or _cores(),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:8787",
                )
            self.client = Client(self.cluster)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    @property
    def dashboard_link(self) -> str | None:
        return None if self.client is None else str(self.client.dashboard_link)

    @property
    def worker_count(self) -> int:
        assert self.client is not None
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def run(
        self, partitions: Sequence[Partition], out_dir: Path, settings: Settings, options: RunOptions,
        on_done: OnDone,
    ) -> None:  # fmt: skip
        client = self.client
        if client is None:
            raise RuntimeError("DaskEngine.run outside its `with` block")
        run_id = uuid.uuid4().hex[:12]
        semaphore = Semaphore(max_leases=options.llm_concurrency, name=f"extractor-llm-{run_id}")
        plugin = f"extractor-session-{run_id}"
        client.register_plugin(SessionPlugin(plugin, settings, options, semaphore.name), name=plugin)
        try:
            futures = {
                client.submit(
                    run_partition_task, plugin, partition, str(out_dir.resolve()),
                    key=f"extractor-{partition.name}-{run_id}", pure=False,
                ): partition
                for partition in partitions
            }  # fmt: skip
            for future in as_completed(futures):
                partition = futures[future]
                if future.status == "error":
                    error = future.exception()
                    message = f"{type(error).__name__}: {error}"
                    on_done(PartitionFailure(partition.name, len(partition.entries), message))
                else:
                    on_done(future.result())
                future.release()
        finally:
            client.unregister_worker_plugin(plugin)
            semaphore.close()
