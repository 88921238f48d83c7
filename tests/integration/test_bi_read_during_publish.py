"""BI tools reading through SQLAlchemy + duckdb-engine or Python duckdb (docs/bi.md) never fail while runs publish.

No pipeline is run here: a copy of the shared run's data dir is republished again and again by the
real publish step (pipelines/warehouse/publish.py) in another process — as a run does — while this
process opens a new read-only connection per query, the way docs/bi.md tells BI tools to connect.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

PUBLISHES = 4
PUBLISHER = """
import shutil, sys
from datetime import UTC, datetime
from pipelines.runtime.paths import resolve_paths
from pipelines.warehouse.publish import RunFacts, publish

paths = resolve_paths(sys.argv[1], sys.argv[2])
for i in range(int(sys.argv[3])):
    # A run leaves its build file where publish takes it from; the kept build stands in for it.
    shutil.copyfile(paths.last_build_db, paths.build_db)
    publish(paths, RunFacts(run_id=f"bi-{i}", started_at=datetime.now(UTC), landing_files_read=0, refused=[]))
    print(f"published bi-{i}", flush=True)
"""


def _copy_data_dir(source: Path, target: Path) -> None:
    """What publish reads and replaces: the kept build, the published file and Parquet set, lake and
    quarantine (for the ops tables)."""
    for part in ("warehouse", "lake", "quarantine"):
        if (source / part).exists():
            shutil.copytree(source / part, target / part, symlinks=True)
    (target / "build").mkdir(parents=True)
    shutil.copyfile(source / "build" / "last_build.duckdb", target / "build" / "last_build.duckdb")


def test_sqlalchemy_reader_sees_whole_publications_while_runs_publish(pipeline_run, tmp_path) -> None:
    _, paths, outcome = pipeline_run
    assert outcome.success, outcome.failed_steps
    data = tmp_path / "data"
    _copy_data_dir(paths.data, data)
    db = data / "warehouse" / "smm.duckdb"
    # The recipe of docs/bi.md: read-only, and no pool, so every query opens the current file.
    engine = create_engine(f"duckdb:///{db}?access_mode=read_only", poolclass=NullPool)
    with engine.connect() as con:
        expected_rows = con.execute(text("select count(*) from marts.fct_engagement_daily")).scalar()

    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(paths.landing), str(data), str(PUBLISHES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[str] = set()
    reads = 0
    errors: list[str] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        finished = publisher.poll() is not None
        try:
            with engine.connect() as con:
                run_id = con.execute(text("select run_id from ops.publication")).scalar()
                rows = con.execute(text("select count(*) from marts.fct_engagement_daily")).scalar()
                in_runs = con.execute(
                    text("select count(*) from ops.runs where run_id = :r"), {"r": run_id}
                ).scalar()
            # The plain Python recipe too: a new read-only duckdb connection per refresh.
            with duckdb.connect(str(db), read_only=True) as plain:
                plain_run = plain.execute("select run_id from ops.publication").fetchall()[0][0]
            seen.update({run_id, plain_run})
            reads += 1
            if rows != expected_rows or in_runs != 1:
                errors.append(f"publication {run_id}: {rows} engagement rows, {in_runs} ops.runs rows")
        except Exception as exc:  # any error a BI tool would show is a failure of the recipe
            errors.append(f"{type(exc).__name__}: {exc}")
        if finished:
            break
    out, err = publisher.communicate(timeout=60)
    assert publisher.returncode == 0, err[-2000:]
    assert errors == []
    assert out.count("published") == PUBLISHES
    # Reads went on across publications: more than one run's file was read, the last one included.
    assert f"bi-{PUBLISHES - 1}" in seen and len(seen) >= 2, (reads, seen)
