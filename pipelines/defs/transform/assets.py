"""dbt models as assets: staging → intermediate → marts, built into a private DuckDB file.

The build file is never the published one: readers keep reading the last publication while dbt
holds its file open. The run plan (runtime/run_plan.py, computed once per run by the `warehouse`
resource) says how to build: in full from an empty file, or incrementally from a file seeded with the
incremental models' published tables, which then replace only the fetch dates in the plan's window
(checked against the lake partitions ingest really changed), or for the models incremental by key, the
keys with rows in that window. After a brands.yml change the incremental models that read it are not
seeded, so they build in full. A run of only some models starts from a copy of the last build
(build/last_build.duckdb), so untouched models stay as published.
"""

import os
import shutil

import dagster as dg
import duckdb
from dagster_dbt import dbt_assets

from pipelines.defs.resources import WarehouseRun
from pipelines.quality.gx_checks import import_gx_in_background
from pipelines.runtime.disk import disk_full_is_fatal
from pipelines.runtime.inputs import record_inputs
from pipelines.runtime.memory import MEMORY_LIMIT_ENV
from pipelines.runtime.paths import resolve_paths
from pipelines.runtime.pause import pause_point
from pipelines.runtime.pii import KEY_ENV, using_demo_key
from pipelines.runtime.run_plan import DbtPlan, build_window, confirm_window
from pipelines.warehouse.build_state import (
    drop_build_window,
    incremental_relations,
    lake_partitions,
    record_state,
    seed_incremental_tables,
    write_build_window,
)
from pipelines.warehouse.dbt import (
    DBT_EXECUTABLE,
    DBT_PROJECT,
    DbtCli,
    SmmDbtTranslator,
    build_args,
    dbt_environment,
    ensure_manifest,
)
from pipelines.warehouse.publish import PUBLICATION_TEMP_PREFIX

MANIFEST = ensure_manifest(resolve_paths())


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=SmmDbtTranslator(),
    pool="duckdb_build",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCli, warehouse: WarehouseRun):
    paths = warehouse.resolve()
    checked = warehouse.checked
    warehouse.stop_parse_workers()
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    leftovers = [paths.build_db, paths.build_db.with_suffix(".duckdb.wal")]
    leftovers += paths.build_dir.glob(f"{PUBLICATION_TEMP_PREFIX}*")  # a killed publish's copy
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    whole_project = context.selected_asset_keys == context.assets_def.keys
    partitions = lake_partitions(paths.lake)
    previous = checked.previous
    plan = confirm_window(checked.plan.dbt, previous.partitions if previous else {}, partitions)
    partial = paths.last_build_db.exists() and not whole_project
    if partial:
        with disk_full_is_fatal(paths.build_db):
            shutil.copyfile(paths.last_build_db, paths.build_db)
    elif plan.incremental:
        relations = incremental_relations(MANIFEST, brands_changed=plan.brands_changed)
        published_run = previous.run_id if previous else None
        problem = seed_incremental_tables(paths.build_db, paths.last_build_db, relations, published_run)
        if problem:
            paths.build_db.unlink(missing_ok=True)
            plan = DbtPlan("full", problem)
    if using_demo_key():
        context.log.warning(
            f"{KEY_ENV} is not set: commenter and mention-author pseudonyms use the public demo key, "
            f"which anyone can reverse by hashing candidate names. Set {KEY_ENV} outside the demo."
        )
    context.log.info(
        f"{plan.describe()}; into {paths.build_db}"
        + ("" if whole_project else " (only the selected models, on a copy of the last build)")
    )
    # One target folder per data dir, reused run after run: bounded disk (a folder per run grows by
    # ~20 MB each time), dbt's partial parse is reused, and dbt's log sits beside the data it built.
    # Selected models on a copy of the publication under a full plan, or after a brands.yml change (the
    # copy holds tables built with the old one): their incremental tables restart.
    args = build_args(full_refresh=partial and (not plan.incremental or plan.brands_changed))
    with duckdb.connect(str(paths.build_db)) as con:
        write_build_window(con, build_window(plan))
    with dbt_environment(paths):
        memory_limit = os.environ[MEMORY_LIMIT_ENV]
        context.log.info(f"dbt's DuckDB memory_limit: {memory_limit} (runtime/memory.py)")
        invocation = dbt.cli(args, context=context, target_path=paths.build_dir / "dbt_target")
        import_gx_in_background()  # the validation step after dbt needs it
        for event in invocation.stream():
            yield event
            pause_point("dbt")  # test hook (no-op unless set): dbt is mid-way through the build file
    with duckdb.connect(str(paths.build_db)) as con:
        drop_build_window(con)
        if whole_project:
            # Only a build of every model is up to date with the whole lake; a partial one keeps the
            # record it copied, so the next full-project build still covers what this one skipped.
            record_state(con, checked.plan.with_dbt(plan), partitions, memory_limit)
            record_inputs(con, checked.inputs)


defs = dg.Definitions(
    assets=[dbt_models],
    resources={"dbt": DbtCli(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)},
)
