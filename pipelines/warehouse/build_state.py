"""What a build is made from, written into the build file and published with it.

The run plan (runtime/run_plan.py) decides how dbt builds; this module keeps its record and the lake
side of it: a digest of every lake partition file (`<platform>/<entity>/fetch_date=D/`), so the next
run can check its planned window against the partitions ingest really changed (`confirm_window`), and
the seeding of a new build file with the incremental models' published tables.

- `ops.build_state`: how this publication was built (full or incremental, the window, the reason, the
  landing files new / changed / removed / parsed again) — the answer to "why did this rebuild?";
- `ops.build_inputs`, `ops.landing_files`: the inputs' fingerprint (runtime/inputs.py);
- `ops.lake_partitions`: one digest per lake partition.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb

from pipelines.ingest.lake import EMPTY_FILE
from pipelines.runtime.bulk_insert import insert_rows
from pipelines.runtime.disk import disk_full_is_fatal
from pipelines.runtime.run_plan import UNPARTITIONED, RunPlan

_PARTITION_PREFIX = "fetch_date="


def _partition_of(relative: Path) -> tuple[str, str]:
    """(`platform/entity`, `YYYY-MM-DD` or "-") for a Parquet file's path relative to the lake."""
    parts = relative.parts
    dataset = "/".join(parts[:2])
    folder = parts[2] if len(parts) > 3 else ""
    return dataset, folder.removeprefix(_PARTITION_PREFIX) if folder.startswith(
        _PARTITION_PREFIX
    ) else UNPARTITIONED


def lake_partitions(lake: Path) -> dict[tuple[str, str], str]:
    """sha256 of each lake partition's Parquet files (their names and bytes), by (dataset, partition).

    Hidden temp folders of a killed write (`.<dataset>.new-*`) are skipped, as dbt's globs skip them,
    and so is the schema-only file of a dataset without rows: it holds no partition.
    """
    digests: dict[tuple[str, str], hashlib._Hash] = {}
    files = sorted(p for p in lake.glob("*/*/**/*.parquet") if p.is_file())
    for path in files:
        relative = path.relative_to(lake)
        if any(part.startswith(".") for part in relative.parts) or path.name == EMPTY_FILE:
            continue
        key = _partition_of(relative)
        digest = digests.setdefault(key, hashlib.sha256())
        digest.update(relative.as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return {key: digest.hexdigest() for key, digest in digests.items()}


_STATE_DDL = """
create schema if not exists ops;
create or replace table ops.build_state (
    mode varchar, window_first date, window_last date, reason varchar,
    landing_new bigint, landing_changed bigint, landing_removed bigint, landing_parsed_again bigint,
    duckdb_memory_limit varchar
);
create or replace table ops.lake_partitions (dataset varchar, fetch_partition varchar, digest varchar);
"""


def record_state(
    con: duckdb.DuckDBPyConnection,
    plan: RunPlan,
    partitions: dict[tuple[str, str], str],
    memory_limit: str,
) -> None:
    """Write into the build file how it was built (`plan`, its dbt part as confirmed, DuckDB's
    `memory_limit`) and from which lake."""
    con.execute(_STATE_DDL)
    first, last = plan.dbt.window or (None, None)
    con.execute(
        "insert into ops.build_state values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            plan.dbt.mode,
            first,
            last,
            plan.dbt.reason,
            len(plan.new),
            len(plan.changed),
            len(plan.removed),
            len(plan.forced),
            memory_limit,
        ],
    )
    rows = [(dataset, partition, digest) for (dataset, partition), digest in sorted(partitions.items())]
    insert_rows(con, "ops.lake_partitions", ("dataset", "fetch_partition", "digest"), rows)


# The window dbt's incremental models rebuild (macro `in_build_window`), written into the build file
# before dbt starts and dropped when it is done. Not `--vars`: dbt re-parses the whole project
# whenever those change, and the window changes every run.
BUILD_WINDOW_TABLE = "ops.dbt_build_window"


def write_build_window(con: duckdb.DuckDBPyConnection, window: str) -> None:
    """Tell the coming dbt build which fetch dates to rebuild (`run_plan.build_window`)."""
    con.execute("create schema if not exists ops")
    con.execute(f"create or replace table {BUILD_WINDOW_TABLE} (window_spec varchar not null)")
    con.execute(f"insert into {BUILD_WINDOW_TABLE} values (?)", [window])


def drop_build_window(con: duckdb.DuckDBPyConnection) -> None:
    """The window served one build; the publication keeps `ops.build_state` to explain it."""
    con.execute(f"drop table if exists {BUILD_WINDOW_TABLE}")


def _reads_brands(nodes: dict[str, dict], unique_id: str) -> bool:
    """Whether a model reads brands.yml: a config staging model (staging/config/) is upstream of it."""
    seen: set[str] = set()
    todo = [unique_id]
    while todo:
        for parent in nodes.get(todo.pop(), {}).get("depends_on", {}).get("nodes", []):
            if parent in seen:
                continue
            seen.add(parent)
            if nodes.get(parent, {}).get("fqn", [])[1:3] == ["staging", "config"]:
                return True
            todo.append(parent)
    return False


def incremental_relations(manifest: Path, *, brands_changed: bool = False) -> list[tuple[str, str]]:
    """(schema, table) of every incremental model in the dbt manifest; after a brands.yml change, only
    those that do not read it: the others must be rebuilt in full (a tracked account's brand, a brand's
    timezone can change any row), so their tables are not carried into the new build."""
    nodes = json.loads(manifest.read_text())["nodes"]
    return sorted(
        (node["schema"], node["alias"])
        for unique_id, node in nodes.items()
        if node["resource_type"] == "model"
        and node["config"].get("materialized") == "incremental"
        and not (brands_changed and _reads_brands(nodes, unique_id))
    )


def _quoted(*names: str) -> str:
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def build_run_id(db: Path) -> str | None:
    """The run a kept build file was published by (its `ops.publication`), or None."""
    if not db.exists():
        return None
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            row = con.execute("select run_id from ops.publication").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row else None


def seed_incremental_tables(
    build_db: Path, last_build_db: Path, relations: list[tuple[str, str]], published_run: str | None
) -> str | None:
    """Start a new build file with the incremental models' tables from the kept build of the publication.

    The kept build's file is copied whole, then everything but those tables is dropped: dbt rebuilds
    the rest, and a relation it no longer builds must not be published again. Copying the file is
    sequential I/O; creating each table anew from the kept one decoded and re-encoded every row (a
    710 MB kept build at scale 70: 4.6 s that way, 0.6 s this way). DuckDB reuses the dropped tables'
    blocks for the ones dbt writes next: three runs in a row kept the file at 673–700 MB.

    Returns why it cannot (the caller then builds in full), nothing copied: no kept build, a kept build
    of another run than the publication's (a run killed between its two renames), or missing tables.
    """
    kept_run = build_run_id(last_build_db)
    if kept_run is None:
        return f"no kept build ({last_build_db.name}) to continue from"
    if kept_run != published_run:
        return f"the kept build is run {kept_run}'s, the publication run {published_run}'s"
    with duckdb.connect(str(last_build_db), read_only=True) as kept:
        present = set(kept.execute("select schema_name, table_name from duckdb_tables()").fetchall())
    missing = [f"{schema}.{table}" for schema, table in relations if (schema, table) not in present]
    if missing:
        return f"the kept build lacks incremental tables {', '.join(missing)}"
    keep = set(relations)
    with disk_full_is_fatal(build_db):
        shutil.copyfile(last_build_db, build_db)
        with duckdb.connect(str(build_db)) as con:
            others = con.execute(
                "select 'view', schema_name, view_name from duckdb_views() where not internal and not temporary"
                " union all select 'table', schema_name, table_name from duckdb_tables() where not temporary"
            ).fetchall()
            for kind, schema, name in others:
                if (schema, name) not in keep:
                    con.execute(f"drop {kind} {_quoted(schema, name)}")
            con.execute("checkpoint")
    return None
