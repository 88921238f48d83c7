"""dbt models as assets: staging → intermediate → marts, built into a private DuckDB file.

The build file is never the published one: readers keep reading the last publication while dbt
holds its file open. A full run starts from an empty build file; a run of only some models starts
from a copy of the published file so untouched models stay as published.
"""

import os
import shutil

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.resources import WarehousePaths
from pipelines.lib.dbt import (
    DBT_EXECUTABLE,
    DBT_PROJECT,
    SmmDbtTranslator,
    build_args,
    dbt_env,
    ensure_manifest,
)
from pipelines.lib.paths import resolve_paths
from pipelines.lib.pause import pause_point
from pipelines.lib.pii import KEY_ENV, using_demo_key

MANIFEST = ensure_manifest(resolve_paths())


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=SmmDbtTranslator(),
    pool="duckdb_build",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehousePaths):
    paths = warehouse.resolve()
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    for leftover in (paths.build_db, paths.build_db.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    whole_project = context.selected_asset_keys == context.assets_def.keys
    if not whole_project and paths.published_db.exists():
        shutil.copyfile(paths.published_db, paths.build_db)
    if using_demo_key():
        context.log.warning(
            f"{KEY_ENV} is not set: commenter and mention-author pseudonyms use the public demo key, "
            f"which anyone can reverse by hashing candidate names. Set {KEY_ENV} outside the demo."
        )
    # dbt runs as a subprocess of this step and reads its configuration from the environment.
    os.environ.update(dbt_env(paths))
    context.log.info(f"dbt build into {paths.build_db} ({'full' if whole_project else 'partial'} build)")
    # One target folder per data dir, reused run after run: bounded disk (a folder per run grows by
    # ~20 MB each time), dbt's partial parse is reused, and dbt's log sits beside the data it built.
    invocation = dbt.cli(build_args(), context=context, target_path=paths.build_dir / "dbt_target")
    for event in invocation.stream():
        yield event
        pause_point("dbt")  # test hook (no-op unless set): dbt is mid-way through the build file


defs = dg.Definitions(
    assets=[dbt_models],
    resources={"dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)},
)
