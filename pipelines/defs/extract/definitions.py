"""The extract domain's definitions, merged into the code location (pipelines/definitions.py).

The extract assets have no downstream edge to the ingest assets on purpose: files land by hand, by
another tool or by `smm extract`, and "Materialize all" on smm_full must not ask for extract runs
first. The landing sensor is the link: new captures start the pipeline."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.extract.assets import ASSETS, extract_job, extract_schedule
from pipelines.defs.extract.resources import platform_apis

defs = dg.Definitions(
    assets=ASSETS, jobs=[extract_job], schedules=[extract_schedule], resources={"apis": platform_apis()}
)
