"""The code location: assembly only. Each domain folder under defs/ owns its assets."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.automation import jobs
from pipelines.defs.ingest import assets as ingest
from pipelines.defs.publish import assets as publish
from pipelines.defs.resources import WarehousePaths
from pipelines.defs.transform import assets as transform

defs = dg.Definitions.merge(
    ingest.defs,
    transform.defs,
    publish.defs,
    jobs.defs,
    dg.Definitions(resources={"warehouse": WarehousePaths()}),
)
