"""Great Expectations checks at each stage, as Dagster asset checks.

- raw: two checks on every ingest asset, run inside the ingest step on the frame about to be written
  (`gx_raw`, and `records_reconcile` for the accounting identity). They cannot be separate check
  steps: the dbt step runs dbt's source tests as checks on the same lake assets, and Dagster does
  not hold a step back for blocking checks on assets that step itself checks. A dataset failing with
  error severity is not written to the lake and fails its step, so dbt and publish never run.
- staging and marts: one step after dbt reads the finished build file read-only and runs a suite per
  table (`gx_staging`, `gx_marts`). Every check blocks; error-severity failures fail the step, so
  the publish step does not run and the last publication stays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dagster as dg

from expectations import Suite
from expectations.marts import MART_SUITES, MIN_ROWS
from expectations.raw import RAW_SUITES, accounting_parameters
from expectations.staging import STAGING_SUITES
from pipelines.ingest.parse import IngestResult
from pipelines.quality.gx_batches import (
    Batch,
    ValidationSettings,
    duckdb_batch,
    open_build_read_only,
    polars_batch,
    previous_row_count,
    row_count_floor,
)
from pipelines.quality.gx_checks import (
    Outcome,
    blocking_failure,
    build_table_checks,
    check_results,
    check_specs,
    render_data_docs,
    validate,
)
from pipelines.runtime.paths import Paths
from pipelines.schemas import Dataset

WAREHOUSE_SUITES: tuple[Suite, ...] = (*STAGING_SUITES, *MART_SUITES)


def raw_check_specs(dataset: Dataset) -> list[dg.AssetCheckSpec]:
    return check_specs(RAW_SUITES[dataset.name])


def validate_ingest(
    dataset: Dataset, result: IngestResult, paths: Paths, run_id: str, *, rows_kept: int = 0
) -> Outcome:
    """The raw suite on the parsed frame, with the ingest accounting as the expected row count.

    `rows_kept`: rows of the dataset outside `result.rows`, in lake partitions this run carries over
    unchanged (ingest/lake_update.py); they were validated by the run that wrote them, and the
    accounting counts them like rows a sample leaves out.

    The frame's column types are the contract's by construction (parse.py builds it with the contract's
    schema), so the suite has no per-column type rules; a frame that breaks that is a code defect and
    fails the step here, naming the columns, before GX sees it or the lake is swapped."""
    if problems := dataset.schema_differences(result.rows.collect_schema()):
        raise dg.Failure(
            f"lake/{dataset.platform}/{dataset.entity}: the parsed frame does not match its contract in "
            f"pipelines/schemas.py: {'; '.join(problems)}"
        )
    suite = RAW_SUITES[dataset.name]
    settings = ValidationSettings.from_env()
    batch = polars_batch(result.rows, suite.sample_key, settings.max_rows)
    stats = result.stats
    parameters = accounting_parameters(
        stats.records_read,
        stats.records_quarantined,
        stats.duplicates_collapsed,
        rows_sampled_out=batch.rows_total - len(batch.frame) + rows_kept,
    )
    counts = {
        "records_read": stats.records_read,
        "rows_loaded": stats.rows_loaded,
        "records_quarantined": stats.records_quarantined,
        "duplicates_collapsed": stats.duplicates_collapsed,
    }
    return validate(
        suite, batch, validation_dir=paths.validation, run_id=run_id, parameters=parameters, extra=counts
    )


def raw_results(dataset: Dataset, outcome: Outcome, paths: Paths) -> Iterator[dg.AssetCheckResult]:
    """The raw checks' results; after an error-severity failure, the step failure that stops the run.

    Data Docs are rendered here only when the run stops (otherwise the warehouse step renders them).
    """
    yield from check_results(outcome)
    failure = blocking_failure(
        [outcome],
        f"lake/{dataset.platform}/{dataset.entity} was not written (the previous lake dataset stays); "
        "dbt and the publish step do not run, and the previous publication stays.",
    )
    if failure is not None:
        render_data_docs(paths.validation)
        raise failure


def _warehouse_batches(
    context: dg.AssetCheckExecutionContext, suites: Sequence[Suite]
) -> Iterator[tuple[Suite, Batch, dict[str, int]]]:
    paths: Paths = context.resources.warehouse.resolve()
    settings = ValidationSettings.from_env()
    if not paths.build_db.exists():
        raise dg.Failure(f"no build file at {paths.build_db}: dbt did not build this run")
    con = open_build_read_only(paths.build_db)
    try:
        for suite in suites:
            batch = duckdb_batch(con, suite.sql or "", suite.sample_key, settings.max_rows)
            parameters = {}
            if any(r.kwargs.get("min_value") == {"$PARAMETER": MIN_ROWS} for r in suite.rules):
                previous = previous_row_count(paths.published_parquet, suite.asset_key[-1])
                sampled_out = batch.rows_total - len(batch.frame)
                parameters[MIN_ROWS] = row_count_floor(previous, settings.max_row_drop, sampled_out)
            yield suite, batch, parameters
    finally:
        con.close()


warehouse_expectations = build_table_checks(
    "warehouse_expectations",
    WAREHOUSE_SUITES,
    _warehouse_batches,
    validation_dir=lambda context: context.resources.warehouse.resolve().validation,
    consequence="The publish step does not run; the previous publication stays.",
    required_resource_keys={"warehouse"},
    pool="duckdb_build",
)

defs = dg.Definitions(asset_checks=[warehouse_expectations])
