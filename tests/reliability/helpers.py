"""Shared pieces of the reliability tests: running `smm` as a separate process, snapshotting marts,
and recording the measured figures the closing note reports."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse.publish import MART_TABLES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SMM = str(Path(sys.executable).with_name("smm"))
# Generous: a run takes ~60 s on two idle cores and several minutes on a loaded shared box (the
# crash test once failed at 600 s there). Every wait polls and returns as soon as its event happens;
# the timeout only stops a hung test and never asserts speed.
RUN_TIMEOUT = 900


@dataclass
class SmmResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def smm_env(landing: Path, data: Path, **extra: str) -> dict[str, str]:
    """A clean environment for one `smm` process: the caller's, minus any SMM_*/test hooks, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMM_")}
    env.update(
        SMM_LANDING_DIR=str(landing),
        SMM_DATA_DIR=str(data),
        SMM_BRANDS_FILE=str(landing / "brands.yml"),
        GX_ANALYTICS_ENABLED="false",
        DAGSTER_DISABLE_TELEMETRY="true",
    )
    env.update(extra)
    return env


class SmmProcess:
    """`smm <args>` in its own process group (so a kill takes dbt with it, as a crash would).

    Output goes to temp files, not pipes: a run paused by the test hook must never block on a
    full pipe nobody reads.
    """

    def __init__(self, env: dict[str, str], *args: str):
        self.started = time.perf_counter()
        self._out = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in wait)
        self._err = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in wait)
        self.proc = subprocess.Popen(
            [SMM, *args],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=self._out,
            stderr=self._err,
            text=True,
            start_new_session=True,
        )
        self.pid = self.proc.pid

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)

    def wait(self, timeout: float = RUN_TIMEOUT) -> SmmResult:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.wait()
            raise AssertionError(
                f"smm did not finish in {timeout}s:\n{self._read(self._err)[-3000:]}"
            ) from None
        return SmmResult(
            self.proc.returncode,
            self._read(self._out),
            self._read(self._err),
            time.perf_counter() - self.started,
        )

    @staticmethod
    def _read(handle) -> str:
        handle.seek(0)
        text = handle.read()
        handle.close()
        return text


def start_smm(env: dict[str, str], *args: str) -> SmmProcess:
    return SmmProcess(env, *args)


def run_smm(env: dict[str, str], *args: str, timeout: float = RUN_TIMEOUT) -> SmmResult:
    return start_smm(env, *(args or ("run",))).wait(timeout)


def kill_at(env: dict[str, str], phase: str, marker: Path, timeout: float = RUN_TIMEOUT) -> SmmResult:
    """Start `smm run` paused at `phase` (pipelines/runtime/pause.py), SIGKILL its process group there."""
    marker.unlink(missing_ok=True)
    env = {**env, "SMM_TEST_PAUSE_AT": phase, "SMM_TEST_PAUSE_MARKER": str(marker)}
    run = start_smm(env, "run")
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if run.proc.poll() is not None:
            result = run.wait()
            raise AssertionError(
                f"run ended (rc {result.returncode}) before reaching {phase}:\n{result.stderr[-3000:]}"
            )
        if time.monotonic() > deadline:
            run.kill()
            run.wait()
            raise AssertionError(f"run did not reach {phase} in {timeout}s")
        time.sleep(0.1)
    run.kill()
    return run.wait()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mart_snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every mart's rows, ordered by all columns: equal snapshots mean identical marts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        snapshot = {}
        for table in MART_TABLES:
            columns = [r[0] for r in con.execute(f"describe marts.{table}").fetchall()]
            order = ", ".join(f'"{c}"' for c in columns)
            snapshot[table] = con.execute(f"select * from marts.{table} order by {order}").fetchall()
        return snapshot
    finally:
        con.close()


def snapshot_diff(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> dict[str, str]:
    """Per mart that differs: row counts and a first differing row, for a readable failure."""
    diffs = {}
    for table in MART_TABLES:
        if a[table] != b[table]:
            only_a = [r for r in a[table] if r not in b[table]][:1]
            only_b = [r for r in b[table] if r not in a[table]][:1]
            diffs[table] = f"{len(a[table])} vs {len(b[table])} rows; only left {only_a}; only right {only_b}"
    return diffs


# Where each worker keeps its figures, inside its base temp dir (the summary hook: tests/conftest.py).
FIGURES_FILE = "reliability_figures.json"


class Figures:
    """Measured figures per guarantee, kept in a JSON file and printed at the end of the session."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict[str, dict[str, Any]] = json.loads(path.read_text()) if path.exists() else {}

    def record(self, item: str, **values: Any) -> None:
        self.data.setdefault(item, {}).update(values)
        self.path.write_text(json.dumps(self.data, indent=2, sort_keys=True, default=str))
        print(f"[reliability figures] {item}: {json.dumps(values, default=str)}")
