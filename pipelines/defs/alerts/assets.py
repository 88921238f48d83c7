"""The alert delivery step: after the build is validated, before it is published."""

import os

import dagster as dg

from pipelines.alerts.delivery import ledger_path, run_delivery
from pipelines.defs.resources import WarehouseRun
from pipelines.defs.transform.assets import dbt_models
from pipelines.ingest.brands import load_brands

ALERTS_DELIVERED = dg.AssetKey(["alerts", "delivered"])


@dg.asset(
    key=ALERTS_DELIVERED,
    # Every model, like publish: the step waits for the build's blocking checks, so a build that failed
    # validation alerts nobody.
    deps=list(dbt_models.keys),
    group_name="publish",
    description=(
        "Every alert of marts.fct_alerts not yet delivered, POSTed once as JSON (Slack-compatible `text` plus "
        "the alert's fields) to the URL in the variable brands.yml `alerts.webhook_env` names (default "
        "SMM_ALERT_WEBHOOK_URL); the ledger $SMM_DATA_DIR/alerts/deliveries.duckdb is published as "
        "ops.alert_deliveries. A delivery problem is recorded, never a failed run."
    ),
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    pool="duckdb_build",
)
def alerts_delivered(context: dg.AssetExecutionContext, warehouse: WarehouseRun) -> dg.MaterializeResult:
    paths = warehouse.resolve()
    webhook_env = load_brands(paths.brands_file).alerts.webhook_env
    summary = run_delivery(paths, webhook_env, os.environ, context.run_id, log=context.log)
    metadata: dict = {"webhook_env": webhook_env, "ledger": dg.MetadataValue.path(str(ledger_path(paths)))}
    if summary is None:
        return dg.MaterializeResult(metadata={**metadata, "delivery": "skipped (see the step's log)"})
    line = summary.describe(webhook_env)
    (context.log.warning if summary.failed else context.log.info)(f"alert delivery: {line}")
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "alerts": summary.alerts,
            "sent": len(summary.sent),
            "failed": len(summary.failed),
            "not_configured": len(summary.not_configured),
            "too_old": len(summary.too_old),
            "handled_before": summary.already_final,
        }
    )


defs = dg.Definitions(assets=[alerts_delivered])
