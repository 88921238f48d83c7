"""Run the pipeline when its inputs differ from what the publication was built from.

Extractors and people drop files into the landing dir at any hour; the daily schedule is the
backstop, this sensor is the fast path. It asks the run plan (runtime/run_plan.py), the same one every
run follows: a landing file that is new, changed (by content) or removed, a changed brands.yml, key or
code starts a run; a file that was only touched starts nothing. The run key is the inputs' digest
after the current publication's run, so ticks during a run never start a second one for the same
inputs, and inputs reverted to an earlier state after another publication still start one. Off by default: an operator switches
it on in the UI (Automation), so opening `dagster dev` never starts a run by itself.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs.automation.jobs import smm_full
from pipelines.defs.resources import WarehousePaths
from pipelines.ingest.landing import LandingDirMissing
from pipelines.runtime.preflight import plan_for
from pipelines.runtime.run_options import RunOptions

_SHOWN = 5  # changed paths named in the tick log; the rest are counted


@dg.sensor(
    name="landing_sensor",
    job=smm_full,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Starts smm_full when the landing files (by content), brands.yml, the key or the code differ from "
        "what the publication was built from (the run plan). Touched-only files start nothing."
    ),
)
def landing_sensor(context: dg.SensorEvaluationContext, landing: WarehousePaths) -> dg.SensorResult:
    paths = landing.resolve()
    try:
        checked = plan_for(paths, RunOptions())
    except LandingDirMissing as missing:
        return dg.SkipReason(str(missing))
    plan = checked.plan
    if plan.nothing_to_do:
        return dg.SkipReason(plan.describe())
    touched = [*plan.new, *plan.changed, *plan.removed]
    shown = touched[:_SHOWN]
    more = len(touched) - len(shown)
    context.log.info(
        plan.describe() + (f": {', '.join(shown)}" if shown else "") + (f" and {more} more" if more else "")
    )
    return dg.RunRequest(
        run_key=f"inputs-{checked.inputs.digest[:16]}-after-{checked.previous.run_id if checked.previous else 'none'}",
        tags={
            "smm/trigger": "landing_sensor",
            "smm/landing_new": str(len(plan.new)),
            "smm/landing_changed": str(len(plan.changed)),
            "smm/landing_removed": str(len(plan.removed)),
        },
    )


defs = dg.Definitions(sensors=[landing_sensor])
