"""The job every entry point runs (CLI, schedule, sensor, UI), and its daily schedule."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.extract.assets import EXTRACT_SELECTION
from pipelines.defs.reports.assets import REPORTS_GROUP

FULL_JOB_NAME = "smm_full"

smm_full = dg.define_asset_job(
    FULL_JOB_NAME,
    # Reports render a PDF per brand: their own weekly job (defs/reports), not every run's work.
    # Extraction is its own job too (defs/extract): a run reads the landing, whoever filled it.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(REPORTS_GROUP) - EXTRACT_SELECTION,
    description="Ingest every landing dataset, build the dbt models, publish the warehouse.",
)

# Each morning's run materialises that day's fetch-date partition (end_offset=1 makes today's the
# latest), so the asset catalog shows which days were ingested; new or changed files of other days
# are picked up by the same run through the parse cache.
daily = dg.build_schedule_from_partitioned_job(
    smm_full,
    name="smm_daily",
    hour_of_day=6,
    minute_of_hour=30,
    description="Every morning after the 06:00 UTC captures land: today's fetch-date partition.",
)

defs = dg.Definitions(jobs=[smm_full], schedules=[daily])
