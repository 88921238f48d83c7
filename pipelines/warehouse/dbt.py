"""dbt plumbing: the project handle, the translator, the environment and CLI args dbt gets.

Kept pure where possible so the rules (which build file, which env) have unit tests.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject
from packaging import version

from pipelines.runtime.memory import DBT_PROCESS_MB, MEMORY_LIMIT_ENV, duckdb_memory_limit, process_rss_mb
from pipelines.runtime.paths import DBT_PROJECT_DIR, Paths
from pipelines.runtime.pii import KEY_ENV, pii_key
from pipelines.warehouse.dbt_session_plugin import DATA_DIR_ENV
from pipelines.warehouse.freshness import DAILY_FRESHNESS, FRESHNESS_GROUPS

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt installed beside this interpreter: the venv's bin/ need not be on PATH (cron, `dagster dev`).
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
_LAYERS = ("staging", "intermediate", "marts")


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up steps this project never needs (~7 s a run).

    - `dbt --version` in a subprocess (~4 s): the dbt run is DBT_EXECUTABLE, the dbt-core installed
      beside this interpreter, so its version is that package's.
    - A dbt adapter opened in this process (~3 s): dagster-dbt uses it only to fetch row counts and
      column metadata, which this project does not ask for. With a DuckDB adapter it also held back
      every dbt event until dbt exited; without one, Dagster records each node as dbt finishes it.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> None:
        return None


def dbt_env(paths: Paths) -> dict[str, str]:
    """Environment dbt needs: where the lake is, which private file to build into, the PII key, and
    DuckDB's memory limit: the run's budget less this process and dbt's own Python (runtime/memory.py).

    The profile's build file is `~/smm_build.duckdb` and DuckDB expands `~` from HOME, so HOME is
    the data dir's private build folder; the lake's folder is SMM_DATA_DIR. Neither path is in the
    profile or the project, so one parse serves every data dir (dbt_project/profiles.yml says why).
    The pseudonymisation key is passed through from the environment (the public demo key when
    unset); dbt's profile plugin hands both to DuckDB without the key ever appearing in SQL or logs.
    """
    return {
        DATA_DIR_ENV: str(paths.data),
        "HOME": str(paths.build_dir),
        KEY_ENV: pii_key(),
        MEMORY_LIMIT_ENV: duckdb_memory_limit(beside_mb=process_rss_mb() + DBT_PROCESS_MB),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # dbt.log (beside the build) at info, not dbt's default debug: the debug lines (every SQL
        # statement, connection open/close) cost ~20% of a small build's node time; the compiled SQL
        # is in the target folder anyway.
        "DBT_LOG_LEVEL_FILE": "info",
    }


@contextmanager
def dbt_environment(paths: Paths) -> Iterator[None]:
    """The environment dbt needs, set for the block and then restored.

    dagster-dbt starts dbt with this process's environment, the only way to give it the build file and
    lake paths; restoring it keeps one run's dirs from leaking into the next run of the same process."""
    wanted = dbt_env(paths)
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_args(*, full_refresh: bool = False) -> list[str]:
    """`dbt build` arguments for a run (selection comes from the Dagster context).

    No `--vars`: dbt re-parses the whole project whenever they change (~10 s), and the window changes
    every run; it reaches the incremental models through the build file instead
    (warehouse/build_state.py `write_build_window`). Unit tests check formulas on fixed rows, not the
    data: they run in `make test` (tests/integration/test_pipeline.py), not in every production build
    (as dbt recommends), which saves ~9 node-seconds of every run."""
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    return args


def _layer(fqn: list[str]) -> str | None:
    return next((part for part in fqn if part in _LAYERS), None)


class SmmDbtTranslator(DagsterDbtTranslator):
    """dbt models grouped by layer (staging, intermediate, marts); sources keep meta.dagster.asset_key.

    Marts carry the daily freshness policy (warehouse/freshness.py): the tables analysts read.
    """

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return "seeds"
        return _layer(list(dbt_resource_props.get("fqn", []))) or super().get_group_name(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:analytics-engineering"]

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props.get("resource_type") in ("model", "seed", "snapshot"):
            return dg.AssetKey(["warehouse", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if spec.group_name in FRESHNESS_GROUPS:
            return spec.replace_attributes(freshness_policy=DAILY_FRESHNESS)
        return spec


def manifest_is_stale(project_dir: Path = DBT_PROJECT_DIR) -> bool:
    manifest = project_dir / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [project_dir / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources += [p for p in (project_dir / folder).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


def ensure_manifest(paths: Paths) -> Path:
    """Run `dbt parse` when the manifest is missing or older than the project files."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if manifest_is_stale():
        env = {**os.environ, **dbt_env(paths)}
        proc = subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return manifest
