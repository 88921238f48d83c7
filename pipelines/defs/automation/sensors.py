"""Run the pipeline when the landing dir gains new or changed files.

Extractors and people drop files into the landing dir at any hour; the daily schedule is the
backstop, this sensor is the fast path. Files count by content (see runtime/fingerprint.py): a
file is processed once, a file rewritten with different bytes is processed again, a file that was
only touched or that was deleted starts nothing. Off by default: an operator switches it on in the
UI (Automation), so opening `dagster dev` never starts a run by itself.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs.automation.jobs import smm_full
from pipelines.defs.resources import WarehousePaths
from pipelines.ingest.landing import LandingDirMissing, scan_landing
from pipelines.runtime.fingerprint import decode_cursor, encode_cursor, evaluate, relative_files

_SHOWN = 5  # changed paths named in the tick log; the rest are counted


@dg.sensor(
    name="landing_sensor",
    job=smm_full,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Starts smm_full when a landing file appears or its content changes (sha256; size+mtime as a "
        "pre-check). Touched-only and deleted files start nothing. Cursor: path → fingerprint JSON."
    ),
)
def landing_sensor(context: dg.SensorEvaluationContext, warehouse: WarehousePaths) -> dg.SensorResult:
    paths = warehouse.resolve()
    try:
        scan = scan_landing(paths.landing)
    except LandingDirMissing as missing:
        return dg.SensorResult(skip_reason=dg.SkipReason(str(missing)))
    listed = [path for files in scan.files.values() for path in files]
    if paths.brands_file.is_file():
        listed.append(paths.brands_file)
    verdict = evaluate(decode_cursor(context.cursor), relative_files(paths.landing, listed))
    diff = verdict.diff
    cursor = encode_cursor(verdict.cursor)
    if not diff.needs_run:
        return dg.SensorResult(
            skip_reason=dg.SkipReason(f"no new or changed landing files ({diff.summary()})"), cursor=cursor
        )
    shown = (diff.new + diff.changed)[:_SHOWN]
    more = len(diff.new) + len(diff.changed) - len(shown)
    context.log.info(f"landing {diff.summary()}: {', '.join(shown)}" + (f" and {more} more" if more else ""))
    request = dg.RunRequest(
        run_key=verdict.run_key,
        tags={
            "smm/trigger": "landing_sensor",
            "smm/landing_new": str(len(diff.new)),
            "smm/landing_changed": str(len(diff.changed)),
            "smm/landing_deleted": str(len(diff.deleted)),
        },
    )
    return dg.SensorResult(run_requests=[request], cursor=cursor)


defs = dg.Definitions(sensors=[landing_sensor])
