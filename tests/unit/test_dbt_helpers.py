"""The rules for invoking dbt: which file it builds into and how its nodes become assets."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.runtime.paths import resolve_paths
from pipelines.warehouse.dbt import SmmDbtTranslator, build_args, dbt_env


def test_dbt_builds_into_the_private_file_never_the_published_one(tmp_path: Path) -> None:
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    env = dbt_env(paths)
    assert env["SMM_BUILD_DB"] == str(tmp_path / "data" / "build" / "smm_build.duckdb")
    assert env["SMM_BUILD_DB"] != str(paths.published_db)
    assert env["SMM_DATA_DIR"] == str(tmp_path / "data")


def test_build_args() -> None:
    assert build_args() == ["build", "--exclude-resource-type", "unit_test"]
    assert build_args(full_refresh=True)[-1] == "--full-refresh"


def test_models_grouped_by_layer_and_keyed_under_warehouse() -> None:
    translator = SmmDbtTranslator()
    model = {
        "resource_type": "model",
        "name": "fct_engagement_daily",
        "fqn": ["smm", "marts", "fct_engagement_daily"],
    }
    staging = {
        "resource_type": "model",
        "name": "stg_x__tweets",
        "fqn": ["smm", "staging", "x", "stg_x__tweets"],
    }
    assert translator.get_asset_key(model) == dg.AssetKey(["warehouse", "fct_engagement_daily"])
    assert translator.get_group_name(model) == "marts"
    assert translator.get_group_name(staging) == "staging"
