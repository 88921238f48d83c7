"""The extract domain's definitions, ready to merge into the code location (pipelines/definitions.py).

Not merged yet: the full job selects every asset (`AssetSelection.all()`), and these unpartitioned
extract assets must stay out of it (the schedule above runs them)."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.extract.assets import ASSETS, extract_job, extract_schedule
from pipelines.defs.extract.resources import platform_apis

defs = dg.Definitions(
    assets=ASSETS, jobs=[extract_job], schedules=[extract_schedule], resources={"apis": platform_apis()}
)
