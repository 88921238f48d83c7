"""Publish a finished build: ops tables, Parquet per mart, then one atomic rename.

Readers open `warehouse/smm.duckdb` read-only. It holds the schemas readers are promised, `marts` and
`ops`, copied from the build file into a new file that the rename swaps in complete and checkpointed;
a reader that opened the previous file keeps reading it until it reconnects. A failure at any point
before the rename leaves the previous publication untouched. `ops.publication` (one row) says which
run a reader is looking at. The build file itself (staging, intermediate, seeds: the pipeline's
private state) is kept as `build/last_build.duckdb` for the next run.

The Parquet copies are published the same way, as a set: each publication writes all marts into
a new hidden generation folder `warehouse/.parquet-<run>`, and `warehouse/parquet` is a symlink
swapped atomically to it after the DuckDB rename. Readers never see a mix of two runs' marts or a
half-written file. The previous generation is kept for readers still holding its path; older
ones, and anything a killed run left behind, are removed by the next publish.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.ingest.landing import Refusal
from pipelines.runtime.disk import disk_full_is_fatal
from pipelines.runtime.paths import Paths
from pipelines.runtime.pause import pause_point

MART_TABLES = (
    "dim_brands",
    "dim_accounts",
    "dim_posts",
    "fct_post_performance",
    "fct_community_daily",
    "fct_brand_community_daily",
    "fct_engagement_daily",
    "fct_share_of_voice_daily",
    "fct_response_daily",
    "fct_goal_progress",
    "fct_mentions",
    "fct_alerts",
    "fct_social_traffic_daily",
    "fct_post_conversions",
)

_OPS_DDL = """
create schema if not exists ops;
-- Replaced, not appended to: a partial build starts from a copy of the published file, whose runs
-- are carried over explicitly below (appending would count them twice).
create or replace table ops.runs (
    run_id varchar, started_at timestamptz, finished_at timestamptz, status varchar,
    landing_files_read bigint, rows_loaded bigint, rows_quarantined bigint
);
create or replace table ops.quarantine (
    run_id varchar, platform varchar, entity varchar, source_file varchar, line bigint, reason varchar
);
create or replace table ops.publication (run_id varchar, published_at timestamptz);
"""
_GENERATION_PREFIX = ".parquet-"
# What readers get; everything else in the build file is the pipeline's private state.
PUBLISHED_SCHEMAS = ("marts", "ops")
PUBLICATION_TEMP_PREFIX = ".publication-"


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


def _visible(path: Path, root: Path) -> bool:
    """Not inside a hidden folder or file: those are a killed run's temp writes, never data."""
    return not any(part.startswith(".") for part in path.relative_to(root).parts)


def lake_rows_loaded(paths: Paths) -> int:
    """Rows in the lake datasets (config tables excluded), from Parquet footers only."""
    import pyarrow.parquet as pq  # here, not at the top: `smm run --if-changed` never needs it

    if not paths.lake.is_dir():
        return 0
    files = [
        f
        for f in paths.lake.glob("*/*/**/*.parquet")
        if _visible(f, paths.lake) and f.relative_to(paths.lake).parts[0] != "config"
    ]
    return sum(pq.read_metadata(f).num_rows for f in files)


def _lock_conflict(exc: duckdb.Error, db: Path) -> PublishError | None:
    if "lock" not in str(exc).lower():
        return None
    return PublishError(
        f"the published warehouse {db} is open for writing by another process ({exc}). Readers must open "
        "it read-only (duckdb.connect(path, read_only=True), or `duckdb -readonly`); close that session "
        "and rerun `smm run`. The previous publication is unchanged"
    )


def check_published_not_locked(paths: Paths) -> None:
    """Refuse early (PublishError) when another process holds the published file open for writing.

    Readers open it read-only and never conflict; a read-write session (an analyst who forgot
    read_only) would only make the publish step fail after the whole build.
    """
    if not paths.published_db.exists():
        return
    try:
        duckdb.connect(str(paths.published_db), read_only=True).close()
    except duckdb.Error as exc:
        raise _lock_conflict(exc, paths.published_db) or PublishError(
            f"cannot open the published warehouse {paths.published_db} ({exc}); move that file aside and "
            "rerun `smm run` to publish a fresh one"
        ) from None


def write_ops_tables(con: duckdb.DuckDBPyConnection, paths: Paths, facts: RunFacts) -> dict[str, int]:
    """ops.runs (history carried over from the previous publication) and this run's ops.quarantine."""
    con.execute(_OPS_DDL)
    if paths.published_db.exists():
        try:
            con.execute(f"attach '{_sql_path(paths.published_db)}' as previous (read_only)")
        except duckdb.Error as exc:
            raise (_lock_conflict(exc, paths.published_db) or exc) from None
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
    rows_loaded = lake_rows_loaded(paths)
    quarantined = con.execute(
        "select count(*) from ops.quarantine where run_id = ?", [facts.run_id]
    ).fetchone()[0]
    con.execute(
        "insert into ops.runs values (?, ?, ?, 'success', ?, ?, ?)",
        [
            facts.run_id,
            facts.started_at,
            datetime.now(UTC),
            facts.landing_files_read,
            rows_loaded,
            quarantined,
        ],
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


def _generation_of(link: Path) -> str | None:
    """The generation folder name `warehouse/parquet` points at, if it is a symlink."""
    return os.readlink(link) if link.is_symlink() else None


def swap_parquet_generation(paths: Paths, generation: Path) -> None:
    """Point `warehouse/parquet` at `generation` in one atomic step; prune older generations."""
    link = paths.published_parquet
    previous = _generation_of(link)
    if link.exists() and not link.is_symlink():
        # A real folder from before generations existed: moved aside once, then never again.
        os.replace(link, link.with_name(f"{_GENERATION_PREFIX}legacy-{uuid.uuid4().hex[:8]}"))
    tmp_link = link.with_name(f".parquet.link-{uuid.uuid4().hex}")
    os.symlink(generation.name, tmp_link)
    os.replace(tmp_link, link)
    keep = {generation.name, previous}
    for stale in paths.warehouse.glob(".parquet*"):
        if stale.name not in keep:
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def copy_published_schemas(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Copy the tables of PUBLISHED_SCHEMAS from the build file (`con`) into a new file `target`."""
    con.execute(f"attach '{_sql_path(target)}' as published_copy")
    try:
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema published_copy.{schema}")
            tables = con.execute(
                "select table_name from duckdb_tables() where database_name = current_database() "
                "and schema_name = ? order by table_name",
                [schema],
            ).fetchall()
            for (table,) in tables:
                con.execute(f'create table published_copy.{schema}."{table}" as from {schema}."{table}"')
    finally:
        con.execute("detach published_copy")


def publish(paths: Paths, facts: RunFacts) -> dict[str, int]:
    """Finish the build file and swap it in as the published warehouse. Returns mart row counts."""
    if not paths.build_db.exists():
        raise PublishError(f"no build file at {paths.build_db}: dbt did not build this run")
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    generation = paths.warehouse / f"{_GENERATION_PREFIX}{uuid.uuid4().hex[:12]}"
    publication = paths.build_dir / f"{PUBLICATION_TEMP_PREFIX}{uuid.uuid4().hex[:12]}.duckdb"
    con = duckdb.connect(str(paths.build_db))
    try:
        missing = missing_marts(con)
        if missing:
            raise PublishError(f"build is missing mart tables {missing}; the previous publication stays")
        with disk_full_is_fatal(paths.build_db):
            write_ops_tables(con, paths, facts)
        with disk_full_is_fatal(generation):
            counts = export_mart_parquet(con, generation)
        with disk_full_is_fatal(paths.build_db):
            con.execute("insert into ops.publication values (?, ?)", [facts.run_id, datetime.now(UTC)])
            con.execute("checkpoint")
        with disk_full_is_fatal(publication):
            copy_published_schemas(con, publication)
        pause_point("publish")  # test hook (no-op unless set): everything is ready, nothing is published
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        publication.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    # A WAL beside the published file belongs to a crashed read-write session of the *old* file;
    # replayed against the new one it would corrupt it.
    paths.published_db.with_name(paths.published_db.name + ".wal").unlink(missing_ok=True)
    os.replace(publication, paths.published_db)
    # Killed between the two renames, the kept build is the previous one: it records another run id,
    # so the next run does not seed from it (build_state.seed_incremental_tables) and builds in full.
    os.replace(paths.build_db, paths.last_build_db)
    swap_parquet_generation(paths, generation)
    return counts
