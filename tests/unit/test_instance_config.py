"""One DuckDB writer at a time under `dagster dev`: the instance template and the pools agree."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

TEMPLATE = Path(__file__).resolve().parents[2] / "pipelines" / "dagster_home" / "dagster.yaml"


def test_instance_template_gives_every_pool_one_slot_and_queues_runs_one_at_a_time(tmp_path: Path) -> None:
    shutil.copyfile(TEMPLATE, tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
    assert config.pool_config.default_pool_limit == 1
    assert config.pool_config.pool_granularity is not None
    assert config.pool_config.pool_granularity.value == "op"
    assert config.run_queue_config is not None
    assert config.run_queue_config.max_concurrent_runs == 1


def test_dbt_and_publish_steps_share_the_duckdb_build_pool() -> None:
    from pipelines.definitions import defs

    pools = {
        node.node_def.name: node.node_def.pool
        for node in defs.resolve_asset_graph().assets_defs
        if node.is_executable
    }
    assert pools["dbt_models"] == "duckdb_build"
    assert pools["warehouse__published"] == "duckdb_build"
    # Ingest writes Parquet, never DuckDB: it stays outside the pool and runs without waiting for a slot.
    assert pools["lake__facebook__posts"] is None
