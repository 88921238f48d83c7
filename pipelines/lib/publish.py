"""Publish a finished build: ops tables, Parquet per mart, then one atomic rename.

Readers open `warehouse/smm.duckdb` read-only. The rename swaps in a complete, checkpointed file;
a reader that opened the previous file keeps reading it until it reconnects. A failure at any
point before the rename leaves the previous publication untouched.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.lib.landing import Refusal
from pipelines.lib.paths import Paths

MART_TABLES = (
    "dim_brands",
    "dim_accounts",
    "dim_posts",
    "fct_post_performance",
    "fct_community_daily",
    "fct_engagement_daily",
    "fct_share_of_voice_daily",
    "fct_response_daily",
    "fct_goal_progress",
)

_OPS_DDL = """
create schema if not exists ops;
create table if not exists ops.runs (
    run_id varchar, started_at timestamptz, finished_at timestamptz, status varchar,
    landing_files_read bigint, rows_loaded bigint, rows_quarantined bigint
);
create table if not exists ops.quarantine (
    run_id varchar, platform varchar, entity varchar, source_file varchar, line bigint, reason varchar
);
"""


@dataclass(frozen=True)
class RunFacts:
    run_id: str
    started_at: datetime
    landing_files_read: int
    refused: list[Refusal]


class PublishError(RuntimeError):
    pass


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _quarantine_glob(paths: Paths) -> str | None:
    return _sql_path(paths.quarantine) + "/*/*.parquet" if any(paths.quarantine.glob("*/*.parquet")) else None


def write_ops_tables(con: duckdb.DuckDBPyConnection, paths: Paths, facts: RunFacts) -> dict[str, int]:
    """ops.runs (history carried over from the previous publication) and this run's ops.quarantine."""
    con.execute(_OPS_DDL)
    if paths.published_db.exists():
        con.execute(f"attach '{_sql_path(paths.published_db)}' as previous (read_only)")
        has_runs = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'previous' "
            "and schema_name = 'ops' and table_name = 'runs'"
        ).fetchone()[0]
        if has_runs:
            con.execute("insert into ops.runs select * from previous.ops.runs")
        con.execute("detach previous")
    glob = _quarantine_glob(paths)
    if glob:
        con.execute(
            "insert into ops.quarantine select $run_id, platform, entity, source_file, line, reason "
            f"from read_parquet('{glob}', union_by_name = true)",
            {"run_id": facts.run_id},
        )
    if facts.refused:
        con.executemany(
            "insert into ops.quarantine values (?, ?, ?, ?, null, ?)",
            [(facts.run_id, *[*r.path.split("/"), "", ""][:2], r.path, r.reason) for r in facts.refused],
        )
    rows_loaded = con.execute(
        f"select count(*) from read_parquet('{_sql_path(paths.lake)}/*/*/**/*.parquet', union_by_name = true) "
        "where not contains(filename, '/config/')",
    ).fetchone()[0] if any(paths.lake.glob("*/*/**/*.parquet")) else 0
    quarantined = con.execute("select count(*) from ops.quarantine where run_id = ?", [facts.run_id]).fetchone()[0]
    con.execute(
        "insert into ops.runs values (?, ?, ?, 'success', ?, ?, ?)",
        [facts.run_id, facts.started_at, datetime.now(UTC), facts.landing_files_read, rows_loaded, quarantined],
    )
    return {"rows_loaded": rows_loaded, "rows_quarantined": quarantined}


def missing_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    present = {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    }
    return [t for t in MART_TABLES if t not in present]


def export_mart_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, int]:
    """Each mart as `<table>.parquet`, written under a temp name then renamed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in MART_TABLES:
        target = out_dir / f"{table}.parquet"
        tmp = out_dir / f".{table}.{uuid.uuid4().hex}.tmp"
        try:
            con.execute(f"copy marts.{table} to '{_sql_path(tmp)}' (format parquet, compression zstd)")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        counts[table] = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
    return counts


def publish(paths: Paths, facts: RunFacts) -> dict[str, int]:
    """Finish the build file and swap it in as the published warehouse. Returns mart row counts."""
    if not paths.build_db.exists():
        raise PublishError(f"no build file at {paths.build_db}: dbt did not build this run")
    con = duckdb.connect(str(paths.build_db))
    try:
        missing = missing_marts(con)
        if missing:
            raise PublishError(f"build is missing mart tables {missing}; the previous publication stays")
        write_ops_tables(con, paths, facts)
        counts = export_mart_parquet(con, paths.published_parquet)
        con.execute("checkpoint")
    finally:
        con.close()
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    os.replace(paths.build_db, paths.published_db)
    return counts
