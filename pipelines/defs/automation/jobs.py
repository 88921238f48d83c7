"""The job every entry point runs (CLI, schedule, UI), and its daily schedule."""

from __future__ import annotations

import dagster as dg

FULL_JOB_NAME = "smm_full"

smm_full = dg.define_asset_job(
    FULL_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Ingest every landing dataset, build the dbt models, publish the warehouse.",
)

daily = dg.ScheduleDefinition(
    name="smm_daily",
    job=smm_full,
    cron_schedule="30 6 * * *",
    execution_timezone="UTC",
    description="Every morning after the 06:00 UTC captures land.",
)

defs = dg.Definitions(jobs=[smm_full], schedules=[daily])
