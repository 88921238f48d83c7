"""Run the same job the schedule uses, in-process, and say plainly whether it really failed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import dagster as dg

from pipelines.runtime.partitions import partition_range_tags
from pipelines.runtime.paths import Paths
from pipelines.runtime.run_options import RunOptions

_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    failed_steps: dict[str, str] = field(default_factory=dict)
    # "<asset key>:<check name>" -> passed, for every asset check evaluated in the run
    checks: dict[str, bool] = field(default_factory=dict)


def _root_cause(error) -> str:
    """The innermost error message: what the user must act on, not Dagster's wrapper."""
    if error is None:
        return "failed"
    while error.cause is not None:
        error = error.cause
    return error.message.strip()[:2000]


@contextmanager
def _pointed_at(paths: Paths) -> Iterator[None]:
    """Point the resources and the dbt subprocess at `paths` for one run, then restore the caller's
    environment, so one run's dirs never leak into the next (tests run many in one process)."""
    wanted = {
        "SMM_LANDING_DIR": str(paths.landing),
        "SMM_DATA_DIR": str(paths.data),
        "SMM_BRANDS_FILE": str(paths.brands_file),
    }
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_tags(options: RunOptions, *, today: date) -> dict[str, str]:
    """The run's tags: what it re-parses, and the same range as ingest partitions when it fits them."""
    return {**options.to_tags(), **partition_range_tags(options, today=today)}


def run_full_job(
    paths: Paths, instance: dg.DagsterInstance | None = None, options: RunOptions | None = None
) -> RunOutcome:
    """Materialise every asset for `paths` through the `smm_full` job (`options`: what to re-parse)."""
    from pipelines.definitions import defs
    from pipelines.defs.automation.jobs import FULL_JOB_NAME

    job = defs.resolve_job_def(FULL_JOB_NAME)
    with _pointed_at(paths):
        result = job.execute_in_process(
            run_config=_RUN_CONFIG,
            instance=instance or dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            tags=run_tags(options or RunOptions(), today=datetime.now(UTC).date()),
        )
    failed = {}
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            failed[event.step_key or "?"] = _root_cause(data.error if data else None)
    checks = {
        f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}": evaluation.passed
        for evaluation in result.get_asset_check_evaluations()
    }
    return RunOutcome(run_id=result.run_id, success=result.success, failed_steps=failed, checks=checks)
