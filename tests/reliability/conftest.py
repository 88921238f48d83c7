"""Reliability fixtures: one small generated landing, and one series of four real `smm run` processes
that several guarantees share (readers during runs, rerun idempotency, duplicate landing, bounded
disk, a second run refused), so the whole suite stays within a few minutes."""

from __future__ import annotations

import json
import os
import random
import secrets as token_source
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.sandbox.generator import generate
from pipelines.warehouse.publish import MART_TABLES
from tests.reliability.helpers import (
    FIGURES_FILE,
    PROJECT_ROOT,
    RUN_TIMEOUT,
    Figures,
    SmmResult,
    kill_at,
    mart_snapshot,
    run_smm,
    sha256_file,
    smm_env,
    start_smm,
)
from tests.reliability.mutations import KINDS, mutate_unit
from tests.reliability.seeds import valid_units

RUNS = 4


@pytest.fixture(scope="session")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Figures:
    return Figures(tmp_path_factory.getbasetemp() / FIGURES_FILE)


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-day generated landing (with the generator's known defects); never modified by tests."""
    landing = tmp_path_factory.mktemp("reliability") / "landing"
    generate(landing, days=3, seed=23, scale=1)
    return landing


@dataclass
class Kill:
    """What a SIGKILL at one phase left behind, and whether readers noticed."""

    phase: str
    returncode: int
    seconds_to_reach_phase: float
    lake_temp_dirs: list[str]
    build_file_left: bool
    unpublished_generations: list[str]
    published_intact: bool
    publication_readable: str  # "ok" or the error a reader got


@dataclass
class RepeatedRuns:
    landing: Path
    data: Path
    results: list[SmmResult] = field(default_factory=list)
    snapshots: list[dict[str, list[tuple]]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    data_dir_bytes: list[int] = field(default_factory=list)
    ops_runs: list[int] = field(default_factory=list)
    leftovers_after_run: list[list[str]] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    duplicated: tuple[str, str] = ("", "")
    reader: dict[str, Any] = field(default_factory=dict)
    refused: SmmResult | None = None
    refused_holder_pid: int = 0


def _wait_for_lock_holder(lock: Path, pid: int, proc: subprocess.Popen, timeout: float = RUN_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if lock.exists() and f" pid {pid} started at " in lock.read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"run {pid} never took the run lock {lock}")


def _start_reader(published: Path, root: Path) -> tuple[subprocess.Popen, Path, Path, Path]:
    """The reader process, already reading (waiting for the first publication) when this returns."""
    out, ready, stop, log = (
        root / "reader.json",
        root / "reader.ready",
        root / "reader.stop",
        root / "reader.log",
    )
    with log.open("w") as handle:  # a file, not a pipe nobody drains while the runs go on
        reader = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("reader.py")),
                str(published),
                str(out),
                str(ready),
                str(stop),
            ],
            cwd=PROJECT_ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + RUN_TIMEOUT
    while not ready.exists():
        if reader.poll() is not None or time.monotonic() > deadline:
            reader.kill()
            raise AssertionError(f"the reader process never started reading:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
    return reader, out, stop, log


def _data_dir_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in data.rglob("*") if p.is_file() and not p.is_symlink())


def published_state(data: Path) -> dict[str, Any]:
    """Byte identity of what readers see: the DuckDB file and the Parquet set the link points at."""
    warehouse = data / "warehouse"
    generation = Path(os.path.realpath(warehouse / "parquet"))
    return {
        "db_sha256": sha256_file(warehouse / "smm.duckdb"),
        "parquet_generation": generation.name,
        "parquet_sha256": {p.name: sha256_file(p) for p in sorted(generation.iterdir())},
    }


def _readable(data: Path) -> str:
    """Read the publication as a BI tool would: every mart, and every Parquet file."""
    try:
        con = duckdb.connect(str(data / "warehouse" / "smm.duckdb"), read_only=True)
        try:
            assert con.execute("select count(*) from ops.publication").fetchone()[0] == 1
            for table in MART_TABLES:
                con.execute(f"select count(*) from marts.{table}").fetchone()
        finally:
            con.close()
        for path in (data / "warehouse" / "parquet").iterdir():
            assert not path.name.startswith("."), f"temp file visible at the published path: {path.name}"
            pq.read_table(path)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def leftovers(data: Path) -> list[str]:
    """Anything a killed run could leave behind that a healthy run must have cleaned."""
    found = [p.relative_to(data).as_posix() for p in (data / "lake").rglob(".*")]
    found += [p.relative_to(data).as_posix() for p in (data / "quarantine").rglob(".*")]
    if (data / "build" / "smm_build.duckdb").exists():
        found.append("build/smm_build.duckdb")
    found += [p.relative_to(data).as_posix() for p in (data / "build").glob(".publication-*")]
    generations = [p.name for p in (data / "warehouse").glob(".parquet*")]
    if len(generations) > 2:  # the current Parquet set and the one readers had before it
        found += [f"warehouse/{g}" for g in generations]
    return found


@pytest.fixture(scope="session")
def repeated_runs(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> RepeatedRuns:
    """Four full runs as separate processes on one data dir, with a SIGKILLed run before run 3 (in
    ingest) and two before run 4 (one in dbt, then one in publish: the second starts from what the
    first left), while a reader process queries throughout.

    Runs 1-2 read the landing as generated; before the first kill one capture file is landed a
    second time under another name. During run 2 a second `smm run` on the same data dir is tried.
    The kills land at known points through the test hook in pipelines/runtime/pause.py; the whole
    process group is killed (dbt included), as a crash would.
    """
    root = tmp_path_factory.mktemp("repeated")
    landing = root / "landing"
    shutil.copytree(small_landing, landing)
    data = root / "data"
    env = smm_env(landing, data)
    out = RepeatedRuns(landing=landing, data=data)
    published = data / "warehouse" / "smm.duckdb"
    reader, reader_out, stop, reader_log = _start_reader(published, root)
    kills_before = {3: ("ingest",), 4: ("dbt", "publish")}
    try:
        for number in range(1, RUNS + 1):
            if number == 3:
                original = sorted((landing / "facebook" / "comments").glob("*.jsonl"))[0]
                copy = original.with_name(f"{original.stem}-landed-again.jsonl")
                shutil.copyfile(original, copy)
                out.duplicated = (
                    original.relative_to(landing).as_posix(),
                    copy.relative_to(landing).as_posix(),
                )
            for phase in kills_before.get(number, ()):
                before = published_state(data)
                generations_before = {p.name for p in (data / "warehouse").glob(".parquet-*")}
                killed = kill_at(env, phase, root / "paused")
                out.kills.append(
                    Kill(
                        phase=phase,
                        returncode=killed.returncode,
                        seconds_to_reach_phase=round(killed.seconds, 1),
                        lake_temp_dirs=sorted(p.name for p in (data / "lake").glob("*/.*")),
                        build_file_left=(data / "build" / "smm_build.duckdb").exists(),
                        unpublished_generations=sorted(
                            {p.name for p in (data / "warehouse").glob(".parquet-*")} - generations_before
                        ),
                        published_intact=published_state(data) == before,
                        publication_readable=_readable(data),
                    )
                )
            if number == 2:
                holder = start_smm(env, "run")
                _wait_for_lock_holder(data / "build" / ".run.lock", holder.pid, holder.proc)
                out.refused = run_smm(env, "run")
                out.refused_holder_pid = holder.pid
                result = holder.wait()
            else:
                result = run_smm(env, "run")
            out.results.append(result)
            assert result.returncode == 0, f"run {number} failed:\n{result.stderr[-4000:]}"
            out.snapshots.append(mart_snapshot(published))
            out.sizes.append(published.stat().st_size)
            out.data_dir_bytes.append(_data_dir_bytes(data))
            con = duckdb.connect(str(published), read_only=True)
            out.ops_runs.append(con.execute("select count(*) from ops.runs").fetchone()[0])
            con.close()
            out.leftovers_after_run.append(leftovers(data))
    finally:
        stop.touch()  # the reader reads once more (the last publication), then writes its result
        try:
            reader.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            reader.kill()
            reader.wait()
    assert reader_out.exists(), (
        f"the reader process died (rc {reader.returncode}):\n{reader_log.read_text()[-3000:]}"
    )
    out.reader = json.loads(reader_out.read_text())
    return out


@dataclass
class FuzzedRun:
    landing: Path
    data: Path
    result: SmmResult
    secrets: dict[str, str]
    mutated_units: int
    refused_paths: dict[str, str]  # landing-relative path -> marker text inside it
    landing_hashes_before: dict[str, str]
    landing_hashes_after: dict[str, str]


def _landing_hashes(landing: Path) -> dict[str, str]:
    return {
        p.relative_to(landing).as_posix(): sha256_file(p)
        for p in sorted(landing.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="session")
def fuzzed_run(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> FuzzedRun:
    """One whole-pipeline run over the small landing with a few hundred hostile units mixed in and
    three files the landing contract refuses, with a PII key and fake API tokens in the environment."""
    root = tmp_path_factory.mktemp("fuzzed")
    landing = root / "landing"
    shutil.copytree(small_landing, landing)
    rnd = random.Random(2026)
    mutated = 0
    for dataset, units in valid_units(small_landing).values():
        first = sorted((landing / dataset.platform / dataset.entity).iterdir())[0]
        if dataset.file_kind == "jsonl":
            lines = [
                mutate_unit(rnd.choice(units), "jsonl", rnd.sample(KINDS, rnd.randint(1, 3)), rnd)
                for _ in range(12)
            ]
            with first.open("ab") as handle:
                handle.write(b"\n" + b"\n".join(lines) + b"\n")
            mutated += len(lines)
        else:
            for n in range(3):
                suffix = first.name.split("_", 1)[1]
                target = first.with_name(f"20260104T00000{n}Z_{suffix}")
                target.write_bytes(
                    mutate_unit(units[0], dataset.file_kind, rnd.sample(KINDS, rnd.randint(1, 2)), rnd)
                )
                mutated += 1
    # One line with a 1 MB string, and the three kinds of path the contract refuses.
    with sorted((landing / "x" / "mentions").iterdir())[0].open("ab") as handle:
        handle.write(
            b'{"fetched_at": "2026-01-02T06:00:00Z", "account_id": "1", "object_id": "1", '
            b'"response": {"data": [{"id": "1", "text": "' + b"A" * 1_000_000 + b'"}]}}\n'
        )
    mutated += 1
    outside = root / "outside"
    outside.mkdir()
    refused = {
        "facebook/posts/2026-01-02..jsonl": "DOTDOT-MARKER-7731",
        "facebook/posts/outside-link.jsonl": "SYMLINK-MARKER-7732",
        "myspace/posts/2026-01-02.jsonl": "UNKNOWN-PLATFORM-MARKER-7733",
    }
    for rel, marker in refused.items():
        capture = json.dumps(
            {
                "fetched_at": "2026-01-02T06:00:00Z",
                "account_id": "104000000000001",
                "endpoint": "/{page-id}/posts",
                "object_id": "104000000000001",
                "params": {},
                "response": {
                    "data": [
                        {
                            "id": f"104000000000001_{marker}",
                            "message": marker,
                            "created_time": "2026-01-02T05:00:00+0000",
                        }
                    ]
                },
            }
        )
        target = landing / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if "link" in rel:
            (outside / "posts.jsonl").write_text(capture + "\n")
            target.symlink_to(outside / "posts.jsonl")
        else:
            target.write_text(capture + "\n")
    secrets = {
        "SMM_PII_KEY": f"test-pii-key-{token_source.token_hex(8)}",
        "SMM_FACEBOOK_TOKEN": f"secret-xyz-{token_source.token_hex(8)}",
        "SMM_X_BEARER_TOKEN": f"secret-bearer-{token_source.token_hex(8)}",
    }
    data = root / "data"
    before = _landing_hashes(landing)
    result = run_smm(smm_env(landing, data, **secrets), "run")
    return FuzzedRun(landing, data, result, secrets, mutated, refused, before, _landing_hashes(landing))
