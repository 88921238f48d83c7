"""The publish step: the validated build becomes the warehouse readers see."""

from datetime import UTC, datetime

import dagster as dg

from pipelines.defs.alerts.assets import ALERTS_DELIVERED
from pipelines.defs.resources import WarehouseRun
from pipelines.defs.transform.assets import dbt_models
from pipelines.warehouse.freshness import DAILY_FRESHNESS
from pipelines.warehouse.publish import RunFacts, publish


@dg.asset(
    key=["warehouse", "published"],
    # After alert delivery, so the publication carries what was sent (DECISIONLOG 2026-12-05).
    deps=[*dbt_models.keys, ALERTS_DELIVERED],
    group_name="publish",
    description=(
        "The published DuckDB file ($SMM_DATA_DIR/warehouse/smm.duckdb, schemas marts and ops) and one "
        "Parquet file per mart, swapped in atomically after a successful build."
    ),
    kinds={"duckdb", "parquet"},
    owners=["team:data-engineering"],
    pool="duckdb_build",
    freshness_policy=DAILY_FRESHNESS,
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseRun) -> dg.MaterializeResult:
    paths = warehouse.resolve()
    record = context.instance.get_run_record_by_id(context.run_id)
    started = (
        datetime.fromtimestamp(record.start_time, UTC) if record and record.start_time else datetime.now(UTC)
    )
    scan = warehouse.checked.scan
    facts = RunFacts(
        run_id=context.run_id,
        started_at=started,
        landing_files_read=sum(len(files) for files in scan.files.values()),
        refused=scan.refused,
    )
    counts = publish(paths, facts)
    context.log.info("published " + ", ".join(f"{t}={n}" for t, n in counts.items()))
    return dg.MaterializeResult(
        metadata={
            "published_db": dg.MetadataValue.path(str(paths.published_db)),
            "parquet_dir": dg.MetadataValue.path(str(paths.published_parquet)),
            **{f"rows_{table}": n for table, n in counts.items()},
        }
    )


defs = dg.Definitions(assets=[published_warehouse])
