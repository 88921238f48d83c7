"""Run the job every entry point runs, in-process, and say plainly whether it really failed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import dagster as dg

from pipelines.runtime.partitions import partition_range_tags
from pipelines.runtime.paths import Paths
from pipelines.runtime.run_options import RunOptions


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    failed_steps: dict[str, str] = field(default_factory=dict)
    # "<asset key>:<check name>" -> passed, for every asset check evaluated in the run
    checks: dict[str, bool] = field(default_factory=dict)
    # The run never started its steps: its preflight refused it (another run holds the lock, the
    # published file is held open for writing, no landing dir). The message says why.
    refused: str | None = None


def _root_cause(error) -> str:
    """The innermost error message: what the user must act on, not Dagster's wrapper."""
    if error is None:
        return "failed"
    while error.cause is not None:
        error = error.cause
    return error.message.strip()[:2000]


def run_config(paths: Paths, *, wait_seconds: int | None = None) -> dict:
    """The job's run config for `paths`: resource config, not environment variables."""
    warehouse = {
        "landing_dir": str(paths.landing),
        "data_dir": str(paths.data),
        "brands_file": str(paths.brands_file),
    }
    if wait_seconds is not None:
        warehouse["wait_seconds"] = wait_seconds
    return {
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
        "resources": {"warehouse": {"config": warehouse}},
    }


def run_tags(options: RunOptions, *, today: date) -> dict[str, str]:
    """The run's tags: what it re-parses, and the same range as ingest partitions when it fits them."""
    return {**options.to_tags(), **partition_range_tags(options, today=today)}


def _refusal(result: dg.ExecuteInProcessResult) -> str | None:
    """The preflight's message when the run's `warehouse` resource refused to set up."""
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.RESOURCE_INIT_FAILURE:
            data = event.event_specific_data
            cause = _root_cause(getattr(data, "error", None))
            # "pipelines.runtime.run_lock.RunLocked: another run holds…" → the sentence itself.
            return re.sub(r"^[\w.]+(Error|Locked|Missing): ", "", cause)
    return None


def run_full_job(
    paths: Paths,
    instance: dg.DagsterInstance | None = None,
    options: RunOptions | None = None,
    *,
    wait_seconds: int | None = None,
) -> RunOutcome:
    """Materialise every asset for `paths` through the `smm_full` job (`options`: what to re-parse)."""
    from pipelines.definitions import defs
    from pipelines.defs.automation.jobs import FULL_JOB_NAME

    job = defs.resolve_job_def(FULL_JOB_NAME)
    result = job.execute_in_process(
        run_config=run_config(paths, wait_seconds=wait_seconds),
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
    return RunOutcome(
        run_id=result.run_id,
        success=result.success,
        failed_steps=failed,
        checks=checks,
        refused=None if result.success else _refusal(result),
    )
