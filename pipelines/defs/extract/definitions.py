"""The extract domain's definitions, merged into the code location (pipelines/definitions.py).

The pipeline's job `smm_full` leaves these assets out: extraction runs on its own schedule, and the
landing sensor starts the pipeline when the captures land."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.extract.assets import ASSETS, extract_job, extract_schedule
from pipelines.defs.extract.resources import platform_apis

defs = dg.Definitions(
    assets=ASSETS, jobs=[extract_job], schedules=[extract_schedule], resources={"apis": platform_apis()}
)
