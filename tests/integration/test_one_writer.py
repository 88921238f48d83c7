"""One writer per data dir, whatever starts the run: `smm run` and a Dagster-launched run of smm_full
started together on one data dir take turns. Neither sees a DuckDB lock error; the one that starts
second says which run it waits for; the marts then equal a clean single run's, table by table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.runner import run_full_job
from pipelines.runtime.paths import resolve_paths
from pipelines.sandbox.generator import generate
from tests.reliability.helpers import mart_snapshot, snapshot_diff

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
LOCK_ERRORS = ("Could not set lock", "Conflicting lock")


def test_a_cli_run_and_a_dagster_run_together_take_turns_and_publish_a_clean_runs_marts(
    tmp_path: Path,
) -> None:
    import pipelines.definitions  # noqa: F401  (parses the dbt project once, before two processes would)

    landing = tmp_path / "landing"
    generate(landing, days=2, seed=11, scale=1)
    (tmp_path / "dagster_home").mkdir()
    env = {
        **os.environ,
        "SMM_LANDING_DIR": str(landing),
        "SMM_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "SMM_RUN_LOCK_WAIT_SECONDS": "900",
    }
    commands = {
        "cli": [str(BIN / "smm"), "run", "--wait", "900"],
        "dagster": [str(BIN / "dagster"), "job", "execute", "-m", "pipelines.definitions", "-j", "smm_full"],
    }
    started = {
        name: subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for name, command in commands.items()
    }
    outputs = {name: process.communicate(timeout=1500)[0] for name, process in started.items()}
    for name, process in started.items():
        assert process.returncode == 0, f"{name} failed:\n{outputs[name][-4000:]}"
        for error in LOCK_ERRORS:
            assert error not in outputs[name], f"{name} hit a DuckDB lock:\n{outputs[name][-4000:]}"
    waited = [
        name for name, output in outputs.items() if "waiting for the run that holds the run lock" in output
    ]
    assert len(waited) == 1, f"exactly one run should have waited for the other, not {waited}"

    clean = resolve_paths(str(landing), str(tmp_path / "clean"))
    assert run_full_job(clean).success
    marts = mart_snapshot(clean.published_db)
    assert all(marts.values()), "a mart is empty: the comparison would prove nothing"
    assert (
        snapshot_diff(mart_snapshot(resolve_paths(str(landing), str(tmp_path / "data")).published_db), marts)
        == {}
    )
