"""Corpus runs: a whole corpus in partitions, in this process or on a Dask cluster.

=======================  ====================================================================
``plan_run``             inputs -> partitions; opens or checks the output directory's manifest
``LocalEngine``          the partitions one after another in this process
``DaskEngine``           the partitions as tasks on a Dask cluster (``dask_engine``; needs
                         ``extractor[dask]``, imported only when asked for)
``PartitionRunner``      one process's session, and one partition -> one part file, atomically
=======================  ====================================================================

Every article goes through the live path's own code (``Extractor.aextract_article``), so a corpus
run's lines are those ``extractor extract`` writes for the same articles and settings.
"""

from __future__ import annotations

from .engines import Engine, LocalEngine, PartitionFailure, RunOptions, RunPlan, plan_run
from .parts import part_name, write_atomically
from .plan import MANIFEST_NAME, Partition, RunManifest, run_settings
from .runner import PartitionReport, PartitionRunner
from .sources import Entry, load_entry, scan

__all__ = [
    "MANIFEST_NAME",
    "Engine",
    "Entry",
    "LocalEngine",
    "Partition",
    "PartitionFailure",
    "PartitionReport",
    "PartitionRunner",
    "RunManifest",
    "RunOptions",
    "RunPlan",
    "load_entry",
    "part_name",
    "plan_run",
    "run_settings",
    "scan",
    "write_atomically",
]
