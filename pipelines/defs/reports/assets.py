"""The weekly brand report: written from the published warehouse for every own brand."""

import dagster as dg

from pipelines.defs.resources import WarehousePaths
from pipelines.reports.report_scope import open_published, own_brand_ids

REPORTS_GROUP = "reports"


@dg.asset(
    key=["reports", "weekly"],
    deps=[dg.AssetKey(["warehouse", "published"])],
    group_name=REPORTS_GROUP,
    description=(
        "Each own brand's report of the last complete week (Mon–Sun, local dates) against the previous "
        "week and its competitor set: $SMM_DATA_DIR/reports/<brand>/<week end>/report.html (self-contained), "
        "report.pdf and one CSV per table and chart. Reads the published file read-only."
    ),
    kinds={"html", "pdf"},
    owners=["team:data-engineering"],
)
def weekly_report(context: dg.AssetExecutionContext, landing: WarehousePaths) -> dg.MaterializeResult:
    # Imported here: the chart libraries (altair, vl-convert) would add ~1 s to every process that loads
    # the code location, and only this step draws.
    from pipelines.reports.report_build import write_report

    # `landing` is the paths-only resource: a report reads the publication and takes no run lock.
    paths = landing.resolve()
    con = open_published(paths.published_db)
    try:
        brands = own_brand_ids(con)
    finally:
        con.close()
    written = {}
    for brand in brands:
        files = write_report(paths.published_db, paths.data / "reports", brand=brand, kind="week")
        context.log.info(f"{brand}: {files.scope.period.label()} → {files.html}")
        written[brand] = files
    return dg.MaterializeResult(
        metadata={
            "brands": len(written),
            **{f"report_{brand}": dg.MetadataValue.path(str(files.html)) for brand, files in written.items()},
            **{f"period_{brand}": files.scope.period.label() for brand, files in written.items()},
        }
    )


defs = dg.Definitions(assets=[weekly_report])
