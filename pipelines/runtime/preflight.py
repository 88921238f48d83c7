"""The checks and the plan every run starts with, under the run lock (defs/resources.py calls this)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.ingest.landing import LandingScan, scan_landing
from pipelines.runtime.inputs import PublishedRecord, RunInputs, current_inputs, read_published_record
from pipelines.runtime.partitions import options_for_run
from pipelines.runtime.paths import Paths
from pipelines.runtime.run_options import RunOptions
from pipelines.runtime.run_plan import RunPlan, plan_run
from pipelines.warehouse.publish import check_published_not_locked

PLAN_FILE = "run_plan.json"


@dataclass(frozen=True)
class Preflight:
    """What a run found before its first step: the landing, the publication's record, the plan."""

    paths: Paths
    scan: LandingScan
    options: RunOptions
    previous: PublishedRecord | None
    inputs: RunInputs
    plan: RunPlan

    @property
    def bytes_to_parse(self) -> int:
        """The size of the landing files the plan has the run parse (cached parses aside)."""
        return sum(fp.size for rel, fp in self.inputs.files.items() if rel in self.plan.to_parse)


def plan_for(paths: Paths, options: RunOptions, scan: LandingScan | None = None) -> Preflight:
    """The run plan for `paths` now (no lock needed: it only reads)."""
    scan = scan or scan_landing(paths.landing)
    previous = read_published_record(paths.published_db)
    inputs = current_inputs(paths, scan, previous.inputs if previous else None)
    plan = plan_run(previous.inputs if previous else None, inputs, options)
    return Preflight(paths, scan, options, previous, inputs, plan)


def preflight(paths: Paths, tags: Mapping[str, str]) -> Preflight:
    """Refuse early what would fail late (no landing dir, the published file held open for writing),
    then plan the run. The plan is also written to `build/run_plan.json` for whoever asks why."""
    scan = scan_landing(paths.landing)  # LandingDirMissing names the dir
    check_published_not_locked(paths)  # PublishError says who holds it and what to do
    checked = plan_for(paths, options_for_run(tags), scan)
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    (paths.build_dir / PLAN_FILE).write_text(checked.plan.to_json())
    return checked
