"""A BI-style reader, run as its own process while the pipeline publishes again and again.

    python tests/reliability/reader.py <published smm.duckdb> <result.json> <ready-file> <stop-file>

It creates the ready file once it is reading (so the test starts the pipeline only then), and loops:
open the published file read-only (a new connection per read, as a BI tool's query does: a
connection opened earlier keeps the file it opened), check the publication is complete and
consistent, close. It also reads every mart's Parquet copy through `warehouse/parquet`, resolved
once per read. Before the first publication it waits for the file. Once the stop file appears it
reads one last time, so the last publication is seen however busy the machine is, and stops.
Every failure is counted and kept (first few messages) in the result JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipelines.warehouse.publish import MART_TABLES

# A read costs ~65 ms of CPU: ~3 reads a second keep steady pressure on every publication (each
# lasts tens of seconds) while leaving a 2-core machine's CPU to the pipeline under test.
PAUSE_SECONDS = 0.25


def read_once(db: Path) -> tuple[str, int]:
    """(run id of the publication, ops.runs row count); raises AssertionError if inconsistent."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        publication = con.execute("select run_id, published_at from ops.publication").fetchall()
        assert len(publication) == 1, f"ops.publication has {len(publication)} rows"
        run_id, published_at = publication[0]
        assert run_id and published_at is not None, f"ops.publication is incomplete: {publication}"
        latest = con.execute("select run_id from ops.runs order by finished_at desc limit 1").fetchone()
        assert latest and latest[0] == run_id, (
            f"ops.publication {run_id} is not the latest ops.runs row {latest}"
        )
        present = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
        missing = [t for t in MART_TABLES if t not in present]
        assert not missing, f"marts missing: {missing}"
        for table in MART_TABLES:
            con.execute(f"select count(*) from marts.{table}").fetchone()
        runs = con.execute("select count(*) from ops.runs").fetchone()[0]
        return run_id, runs
    finally:
        con.close()


def read_parquet_once(parquet_link: Path) -> None:
    generation = Path(os.path.realpath(parquet_link))
    for table in MART_TABLES:
        pq.read_table(generation / f"{table}.parquet")
    hidden = [p.name for p in generation.iterdir() if p.name.startswith(".")]
    assert not hidden, f"temp files visible at the published path: {hidden}"


def main(db: Path, out: Path, ready: Path, stop: Path) -> None:
    result = {
        "reads": 0,
        "errors": 0,
        "error_messages": [],
        "waits_before_first_publication": 0,
        "parquet_reads": 0,
        "parquet_errors": 0,
        "run_ids_seen": [],
        "runs_count_decreased": 0,
    }
    last_runs = 0
    ready.touch()
    stopping = False
    while not stopping:
        stopping = stop.exists()  # checked before the read: the read after it sees the last publication
        if not db.exists():
            result["waits_before_first_publication"] += 1
            time.sleep(PAUSE_SECONDS)
            continue
        try:
            run_id, runs = read_once(db)
            result["reads"] += 1
            if not result["run_ids_seen"] or result["run_ids_seen"][-1] != run_id:
                result["run_ids_seen"].append(run_id)
            if runs < last_runs:
                result["runs_count_decreased"] += 1
            last_runs = runs
        except Exception as exc:  # every failure a reader could see is the point of the test
            result["errors"] += 1
            if len(result["error_messages"]) < 5:
                result["error_messages"].append(f"{type(exc).__name__}: {exc}"[:500])
        try:
            read_parquet_once(db.parent / "parquet")
            result["parquet_reads"] += 1
        except Exception as exc:
            result["parquet_errors"] += 1
            if len(result["error_messages"]) < 10:
                result["error_messages"].append(f"parquet {type(exc).__name__}: {exc}"[:500])
        time.sleep(PAUSE_SECONDS)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
