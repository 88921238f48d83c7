"""Resources: where the landing, lake and warehouse are, and the guard every run of the job holds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from pydantic import PrivateAttr

from pipelines.ingest.parse_workers import ParseWorkers, parse_workers
from pipelines.quality.gx_checks import import_gx_in_background
from pipelines.runtime.paths import Paths, resolve_paths
from pipelines.runtime.preflight import Preflight, preflight
from pipelines.runtime.run_lock import run_lock
from pipelines.runtime.run_plan import RunPlan

WAIT_ENV = "SMM_RUN_LOCK_WAIT_SECONDS"
# A scheduled or sensor-started run that finds another run going waits for it rather than failing:
# half an hour covers a full build at the benchmark's largest scale.
DEFAULT_WAIT_SECONDS = 1800


class WarehousePaths(dg.ConfigurableResource):
    """Landing, data and brands-file locations; empty means SMM_* environment variables, else defaults."""

    landing_dir: str = ""
    data_dir: str = ""
    brands_file: str = ""

    def resolve(self) -> Paths:
        return resolve_paths(self.landing_dir or None, self.data_dir or None, self.brands_file or None)


class WarehouseRun(WarehousePaths):
    """The data dir of one run of the job, held for the whole run: one writer, one plan.

    Set up once per run before its first step, whatever started it: takes the data dir's run lock
    (waiting up to `wait_seconds` for a run in progress, then refusing with the holder's name), checks
    that the published file can be replaced, and computes the run plan (runtime/run_plan.py) from the
    inputs' fingerprint. Steps read `plan`; the lock is released when the run ends, however it ends.
    """

    # -1: SMM_RUN_LOCK_WAIT_SECONDS, else DEFAULT_WAIT_SECONDS. `smm run` passes 0 (refuse at once) unless --wait.
    wait_seconds: int = -1
    _preflight: Preflight | None = PrivateAttr(default=None)
    _parse_workers: ParseWorkers | None = PrivateAttr(default=None)

    def _wait(self) -> float:
        if self.wait_seconds >= 0:
            return self.wait_seconds
        raw = os.environ.get(WAIT_ENV, "")
        try:
            return float(raw) if raw else DEFAULT_WAIT_SECONDS
        except ValueError:
            raise ValueError(f"{WAIT_ENV}={raw!r} is not a number of seconds") from None

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseRun]:
        paths = self.resolve()
        run = context.dagster_run
        run_id = run.run_id if run else ""
        log = context.log.info if context.log else print
        with run_lock(paths, run_id=run_id, wait_seconds=self._wait(), on_wait=log):
            self._preflight = preflight(paths, dict(run.tags) if run else {})
            log(f"run plan: {self._preflight.plan.describe()}")
            if self._preflight.plan.to_parse:
                import_gx_in_background()  # ingest validates the rows it parses
            with parse_workers(self._preflight.bytes_to_parse) as workers:
                self._parse_workers = workers
                yield self

    @property
    def checked(self) -> Preflight:
        if self._preflight is None:
            raise RuntimeError("the warehouse resource was not set up for a run (no lock, no plan)")
        return self._preflight

    @property
    def plan(self) -> RunPlan:
        return self.checked.plan

    @property
    def parse_workers(self) -> ParseWorkers | None:
        """The run's parse worker processes (ingest/parse_workers.py); None outside a run."""
        return self._parse_workers

    def stop_parse_workers(self) -> None:
        """End the parse workers once ingest is over: idle, they still hold memory that the memory
        budget gives to dbt's DuckDB (runtime/memory.py measures only the run's own process)."""
        if self._parse_workers is not None:
            self._parse_workers.close()
