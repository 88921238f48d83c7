"""Ingest assets: one per landing platform × entity, plus the brands config tables.

Each asset is partitioned by fetch date (defs/ingest/partitions.py; the rules: runtime/partitions.py).
What it parses is the run plan's (runtime/run_plan.py, computed once per run by the `warehouse` resource): new or changed files, plus
those a full refresh, a date range or a partition backfill forces; every other file's parse comes from
the parse cache. It parses its landing
files into a typed lake dataset (Parquet, Hive folders by fetch date), rewriting only the fetch dates
whose files changed (ingest/lake_update.py), sends every rejected line or record to quarantine with its
reason, and reports the accounting as metadata. The rewritten partitions are written into a staging
folder beside the dataset (ingest/lake.py), and the Great Expectations raw suite validates them there
(checks `gx_raw` and `records_reconcile`, see defs/quality/checks.py): a dataset that fails with error
severity is never swapped in and its step fails, so it never feeds dbt.
"""

import warnings

import dagster as dg

from pipelines.defs.ingest.partitions import FETCH_DATE_PARTITIONS
from pipelines.defs.quality.checks import raw_check_specs, raw_results, validate_ingest
from pipelines.defs.resources import WarehouseRun
from pipelines.ingest.brands import config_tables, load_brands
from pipelines.ingest.lake import replace_dataset_dir, stage_lake_update, write_parquet_atomic
from pipelines.ingest.lake_update import LakeUpdate, Manifest, plan_update
from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse_cache import cached_parses
from pipelines.runtime.memory import release_freed_memory
from pipelines.schemas import DATASETS, Dataset

# backfill_policy is marked beta in Dagster 1.13; the single-run policy is what the backfill UI test
# exercises. Said once here instead of 31 warnings in every run's output.
warnings.filterwarnings("ignore", message=r".*`backfill_policy`.*", category=dg.BetaWarning)

OWNERS = ["team:data-engineering"]
CONFIG_TABLES = ("brands", "brand_accounts", "brand_aliases", "competitor_sets", "goals", "alert_settings")
# The grain of each config table, for its description in the UI.
_CONFIG_GRAIN = {
    "brands": "brand",
    "brand_accounts": "brand account",
    "brand_aliases": "brand alias",
    "competitor_sets": "competitor set",
    "goals": "goal",
    "alert_settings": "brand × alert kind",
}


def lake_key(platform: str, entity: str) -> dg.AssetKey:
    return dg.AssetKey(["lake", platform, entity])


def _ingest_asset(dataset: Dataset) -> dg.AssetsDefinition:
    key = lake_key(dataset.platform, dataset.entity)

    @dg.asset(
        key=key,
        group_name=f"ingest_{dataset.platform}",
        description=f"{dataset.description} Parsed from landing/{dataset.platform}/{dataset.entity}/.",
        kinds={"polars", "parquet"},
        owners=OWNERS,
        check_specs=raw_check_specs(dataset),
        partitions_def=FETCH_DATE_PARTITIONS,
        # A backfill of many days is one run: the dataset is rewritten once, not once per day.
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def ingest(context: dg.AssetExecutionContext, warehouse: WarehouseRun):
        paths = warehouse.resolve()
        checked = warehouse.checked
        scan = scan_landing(paths.landing, only=dataset)
        for refusal in scan.refused:
            if refusal.path.startswith(f"{dataset.platform}/"):
                context.log.warning(f"refused landing/{refusal.path}: {refusal.reason}")
        files = scan.files_for(dataset)
        parses, cached = cached_parses(
            dataset,
            files,
            paths.landing,
            paths.parse_cache,
            forced=checked.plan.forced,
            fingerprints=checked.inputs.files,
            code=checked.inputs.code["parse"],
            brands_file=paths.brands_file,  # legacy Telegram exports' local times need brands' zones
            workers=warehouse.parse_workers,
        )
        target = paths.lake / dataset.platform / dataset.entity
        update = plan_update(dataset, parses, Manifest.read(target), forced=checked.plan.forced)
        del parses
        with stage_lake_update(update, target) as staged:
            result = staged.result()
            outcome = validate_ingest(dataset, result, paths, context.run_id, rows_kept=update.kept_rows)
            if outcome.errors:
                context.log.error(outcome.describe())
                yield from raw_results(dataset, outcome, paths)  # raises: nothing below runs
            staged.publish()
        quarantine_path = paths.quarantine / dataset.platform / f"{dataset.entity}.parquet"
        write_parquet_atomic(result.quarantine, quarantine_path)
        stats = result.stats
        context.log.info(
            f"{dataset.name}: {stats.files_read} files, {stats.records_read} records → "
            f"{stats.rows_loaded} loaded, {stats.records_quarantined} quarantined, "
            f"{stats.duplicates_collapsed} duplicates collapsed; {cached.files_parsed} files parsed, "
            f"{cached.files_cached} from the parse cache; {_partitions_note(update)}"
        )
        reasons = result.quarantine.group_by("reason").len().sort("len", descending=True).head(5)
        yield dg.MaterializeResult(
            metadata={
                **{k: v for k, v in stats.as_dict().items()},
                **cached.as_dict(),
                "partitions_rewritten": len(staged.written),
                "partitions_kept": len(update.kept),
                "dagster/row_count": stats.rows_loaded,
                "lake_path": dg.MetadataValue.path(str(target)),
                "quarantine_path": dg.MetadataValue.path(str(quarantine_path)),
                "top_quarantine_reasons": dg.MetadataValue.md(
                    "\n".join(f"- {r} ({n})" for r, n in reasons.iter_rows()) or "none"
                ),
            }
        )
        del result, cached, update, staged
        release_freed_memory()
        yield from raw_results(dataset, outcome, paths)

    return ingest


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["lake", "config", name],
            group_name="config",
            description=f"brands.yml → {name} (what to track). One row per {_CONFIG_GRAIN[name]}.",
            kinds={"yaml", "parquet"},
            owners=OWNERS,
        )
        for name in CONFIG_TABLES
    ],
    can_subset=False,
)
def brands_config(context: dg.AssetExecutionContext, warehouse: WarehouseRun):
    """Validate brands.yml (a malformed file stops the run, naming line and field) and write its tables."""
    paths = warehouse.resolve()
    config = load_brands(paths.brands_file)
    for name, frame in config_tables(config).items():
        replace_dataset_dir(frame, paths.lake / "config" / name, partition=False)
        yield dg.MaterializeResult(
            asset_key=["lake", "config", name], metadata={"dagster/row_count": frame.height}
        )
    context.log.info(
        f"brands: {len(config.brands)} brands, {len(config.competitor_sets)} competitor sets, "
        f"{len(config.goals)} goals from {paths.brands_file}"
    )


def _partitions_note(update: LakeUpdate) -> str:
    if update.full:
        return f"all {len(update.rewritten_dates)} fetch-date partitions written"
    return f"{len(update.rewritten_dates)} fetch-date partitions rewritten, {len(update.kept)} kept"


INGEST_ASSETS = [_ingest_asset(d) for d in DATASETS]

defs = dg.Definitions(assets=[*INGEST_ASSETS, brands_config])
