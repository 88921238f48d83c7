"""The rules for invoking dbt: which file it builds into and how its nodes become assets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import yaml
from dbt.cli.main import cli as dbt_cli

from pipelines.runtime.memory import BUDGET_ENV, MEMORY_LIMIT_ENV
from pipelines.runtime.paths import DBT_PROJECT_DIR, resolve_paths
from pipelines.warehouse.build_state import BUILD_WINDOW_TABLE
from pipelines.warehouse.dbt import SmmDbtTranslator, build_args, dbt_env


def _profile_build_path() -> str:
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    return profile["smm"]["outputs"][profile["smm"]["target"]]["path"]


def test_dbt_builds_into_the_private_file_never_the_published_one(tmp_path: Path) -> None:
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    env = dbt_env(paths)
    # DuckDB expands "~" from HOME, as os.path.expanduser does.
    opened = Path(os.path.expanduser(_profile_build_path()).replace(os.path.expanduser("~"), env["HOME"], 1))
    assert opened == paths.build_db == tmp_path / "data" / "build" / "smm_build.duckdb"
    assert opened != paths.published_db
    assert env["SMM_DATA_DIR"] == str(tmp_path / "data")


def test_dbt_opens_the_build_file_under_home_and_reads_the_lake_under_the_data_dir(
    tmp_path: Path, monkeypatch
) -> None:
    """The profile and the plugin as DuckDB reads them: `~` from HOME, lake paths from the data dir,
    the memory limit from the run's budget."""
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.delenv(BUDGET_ENV, raising=False)
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    lake_file = paths.data / "lake" / "x" / "user" / "part.parquet"
    lake_file.parent.mkdir(parents=True)
    duckdb.sql("select 42 as answer").write_parquet(str(lake_file))
    paths.build_dir.mkdir(parents=True)
    script = (
        "import duckdb, os, sys\n"
        "from pipelines.warehouse.dbt_session_plugin import _configure_from_env\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "_configure_from_env(con)\n"
        "print(con.execute(\"select answer from read_parquet('lake/x/user/**/*.parquet')\").fetchone()[0])\n"
        "print(con.execute(\"select current_setting('memory_limit')\").fetchone()[0])\n"
    )
    env = {**os.environ, **dbt_env(paths)}
    proc = subprocess.run(
        [sys.executable, "-c", script, _profile_build_path()], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    answer, memory_limit = proc.stdout.split("\n")[:2]
    assert answer == "42"
    # DuckDB's limit is the one the pipeline derived for this build (runtime/memory.py), not its default.
    with duckdb.connect() as expected:
        expected.execute(f"set memory_limit = '{env[MEMORY_LIMIT_ENV]}'")
        assert memory_limit == expected.execute("select current_setting('memory_limit')").fetchone()[0]
    assert (
        env[MEMORY_LIMIT_ENV].endswith("MB") and int(env[MEMORY_LIMIT_ENV][:-2]) < 3000
    )  # beside: this process
    assert paths.build_db.exists()  # created where the pipeline publishes from, not in the real HOME


def _as_dbt_reads(args: list[str]) -> tuple[str, dict]:
    """The command and options dbt's own CLI parser makes of `args` (nothing is run)."""
    command = dbt_cli.commands[args[0]]
    return args[0], command.make_context(args[0], args[1:]).params


def test_dbt_reads_the_build_args_as_a_build_without_unit_tests_or_vars(monkeypatch) -> None:
    monkeypatch.setenv("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))  # the parser checks the dir exists
    command, options = _as_dbt_reads(build_args())
    assert command == "build"
    assert options["exclude_resource_types"] == ("unit_test",)  # unit tests run in `make test` only
    assert options["full_refresh"] is False
    assert not options["vars"]  # the window is in the build file: dbt's partial parse survives runs
    # The table the incremental models' macro reads the window from is the one the pipeline writes.
    assert BUILD_WINDOW_TABLE in (DBT_PROJECT_DIR / "macros" / "in_build_window.sql").read_text()


def test_full_refresh_only_when_asked(monkeypatch) -> None:
    monkeypatch.setenv("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    assert _as_dbt_reads(build_args(full_refresh=True))[1]["full_refresh"] is True
    assert _as_dbt_reads(build_args())[1]["full_refresh"] is False


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
