"""The report job and its Monday-morning schedule, apart from smm_full (which does not render PDFs)."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.reports.assets import REPORTS_GROUP

smm_weekly_report = dg.define_asset_job(
    "smm_weekly_report",
    selection=dg.AssetSelection.groups(REPORTS_GROUP),
    description="Write each own brand's report of the last complete week from the published warehouse.",
)

# Monday 07:30 UTC: after the 06:30 daily run has published Sunday's numbers.
weekly = dg.ScheduleDefinition(
    name="smm_weekly_report_schedule",
    job=smm_weekly_report,
    cron_schedule="30 7 * * 1",
    description="Every Monday morning: last week's report for each own brand.",
)

defs = dg.Definitions(jobs=[smm_weekly_report], schedules=[weekly])
