"""Whether dbt rebuilds everything or only the fetch dates whose lake partitions changed.

The published warehouse records what it was built from (`ops.build_state`, `ops.lake_partitions`): a
digest of the dbt code and pseudonymisation key, and a digest of every lake partition file
(`<platform>/<entity>/fetch_date=D/`). The next build compares the lake as it is now with that record:

- nothing to build on (no publication, or one without a record), the dbt code or key changed, the
  brands config changed, a partition disappeared, or a full refresh was asked for → **full build**
  from an empty file;
- otherwise → **incremental build**: a fresh build file is seeded with the incremental models' tables
  from the publication (their live rows only, so the file never accumulates free space), those models
  replace the rows of the changed fetch dates (`SMM_BUILD_WINDOW=<first>..<last>`, or `none` when
  nothing changed) and every other model is rebuilt from them as usual.

Comparing with the *publication*, not with this run's ingest, keeps a failed run harmless: its lake
changes are still unpublished, so the next run's window covers them. A removed partition forces a full
build because delete+insert by fetch date can only replace dates that still have rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from pipelines.ingest.lake import EMPTY_FILE
from pipelines.runtime.paths import PROJECT_ROOT
from pipelines.runtime.pii import pii_key
from pipelines.runtime.run_inputs import code_digest

WINDOW_ENV = "SMM_BUILD_WINDOW"
# What the incremental models' output depends on besides the lake: the dbt project and the code that
# hands the key to DuckDB. A change to any of them rebuilds everything once.
_DBT_CODE_GLOBS = (
    "dbt_project/dbt_project.yml",
    "dbt_project/profiles.yml",
    "dbt_project/models/**/*",
    "dbt_project/macros/**/*",
    "dbt_project/seeds/**/*",
    "pipelines/warehouse/dbt_pii_plugin.py",
)
_PARTITION_PREFIX = "fetch_date="
_UNPARTITIONED = "-"  # files of a dataset outside fetch_date folders (config tables, an empty dataset)
CONFIG_DATASET_PREFIX = "config/"


@dataclass(frozen=True)
class BuildState:
    """What a build is made from: `code` digest and one digest per (dataset, partition) of the lake."""

    code: str
    partitions: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildPlan:
    incremental: bool
    reason: str
    # Fetch dates whose partitions are new or changed (incremental builds; None when nothing changed).
    window: tuple[date, date] | None = None

    def describe(self) -> str:
        if not self.incremental:
            return f"full dbt build: {self.reason}"
        if self.window is None:
            return f"incremental dbt build: {self.reason}"
        first, last = self.window
        return f"incremental dbt build of fetch dates {first}..{last}: {self.reason}"


def dbt_code_digest(root: Path = PROJECT_ROOT) -> str:
    """The dbt project and the pseudonymisation key, as one digest (the key cannot be read back)."""
    digest = hashlib.sha256(code_digest(root, _DBT_CODE_GLOBS).encode())
    digest.update(hashlib.sha256(pii_key().encode()).digest())
    return digest.hexdigest()


def _partition_of(relative: Path) -> tuple[str, str]:
    """(`platform/entity`, `YYYY-MM-DD` or "-") for a Parquet file's path relative to the lake."""
    parts = relative.parts
    dataset = "/".join(parts[:2])
    folder = parts[2] if len(parts) > 3 else ""
    return dataset, folder.removeprefix(_PARTITION_PREFIX) if folder.startswith(
        _PARTITION_PREFIX
    ) else _UNPARTITIONED


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


def _dates(keys: Iterable[tuple[str, str]]) -> list[date]:
    return sorted({date.fromisoformat(partition) for _, partition in keys if partition != _UNPARTITIONED})


def plan_build(previous: BuildState | None, current: BuildState, *, full_refresh: bool = False) -> BuildPlan:
    """Full or incremental, and which fetch dates an incremental build replaces. Pure: unit-tested."""
    if full_refresh:
        return BuildPlan(False, "a full refresh was asked for")
    if previous is None:
        return BuildPlan(False, "no published build records what it was built from")
    if previous.code != current.code:
        return BuildPlan(False, "the dbt project or the pseudonymisation key changed")
    removed = sorted(set(previous.partitions) - set(current.partitions))
    if removed:
        dataset, partition = removed[0]
        more = f" and {len(removed) - 1} more" if len(removed) > 1 else ""
        return BuildPlan(False, f"lake partition {dataset} {partition} was removed{more}")
    changed = [key for key, digest in current.partitions.items() if previous.partitions.get(key) != digest]
    config = sorted(dataset for dataset, _ in changed if dataset.startswith(CONFIG_DATASET_PREFIX))
    if config:
        return BuildPlan(False, f"brands config changed ({', '.join(config)})")
    undated = sorted(dataset for dataset, partition in changed if partition == _UNPARTITIONED)
    if undated:
        return BuildPlan(False, f"lake files outside fetch_date folders changed ({', '.join(undated)})")
    if not changed:
        return BuildPlan(True, "no lake partition changed since the publication")
    dates = _dates(changed)
    datasets = len({dataset for dataset, _ in changed})
    return BuildPlan(
        True,
        f"{_count(len(changed), 'lake partition')} of {_count(datasets, 'dataset')} new or changed "
        f"on {_count(len(dates), 'fetch date')}",
        window=(dates[0], dates[-1]),
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def window_env(plan: BuildPlan) -> dict[str, str]:
    """The environment the incremental models read their window from (macro `in_build_window`)."""
    if not plan.incremental:
        return {WINDOW_ENV: "all"}
    if plan.window is None:
        return {WINDOW_ENV: "none"}
    first, last = plan.window
    return {WINDOW_ENV: f"{first.isoformat()}..{last.isoformat()}"}


_STATE_DDL = """
create schema if not exists ops;
create or replace table ops.build_state (
    code_digest varchar, mode varchar, window_first date, window_last date, reason varchar
);
create or replace table ops.lake_partitions (dataset varchar, fetch_partition varchar, digest varchar);
"""


def record_state(con: duckdb.DuckDBPyConnection, state: BuildState, plan: BuildPlan) -> None:
    """Write into the build file what it was built from and how (published with it)."""
    con.execute(_STATE_DDL)
    first, last = plan.window or (None, None)
    con.execute(
        "insert into ops.build_state values (?, ?, ?, ?, ?)",
        [state.code, "incremental" if plan.incremental else "full", first, last, plan.reason],
    )
    rows = [(dataset, partition, digest) for (dataset, partition), digest in sorted(state.partitions.items())]
    if rows:
        con.executemany("insert into ops.lake_partitions values (?, ?, ?)", rows)


def read_state(db: Path) -> BuildState | None:
    """What the warehouse file `db` records it was built from; None when it does not say."""
    if not db.exists():
        return None
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            code = con.execute("select code_digest from ops.build_state").fetchall()
            partitions = con.execute(
                "select dataset, fetch_partition, digest from ops.lake_partitions"
            ).fetchall()
    except duckdb.Error:
        return None  # an older publication without the record, or an unreadable file: build in full
    if len(code) != 1:
        return None
    return BuildState(code=code[0][0], partitions={(d, p): digest for d, p, digest in partitions})


def incremental_relations(manifest: Path) -> list[tuple[str, str]]:
    """(schema, table) of every incremental model in the dbt manifest."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return sorted(
        (node["schema"], node["alias"])
        for node in nodes
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    )


def _quoted(*names: str) -> str:
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def seed_incremental_tables(
    build_db: Path, published_db: Path, relations: list[tuple[str, str]]
) -> list[str]:
    """Copy the incremental models' tables from the publication into a new build file.

    Returns the relations the publication lacks (the caller then builds in full); nothing is copied then.
    """
    with duckdb.connect(str(build_db)) as con:
        con.execute(f"attach '{str(published_db).replace(chr(39), chr(39) * 2)}' as published (read_only)")
        present = set(
            con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = 'published'"
            ).fetchall()
        )
        missing = [f"{schema}.{table}" for schema, table in relations if (schema, table) not in present]
        if not missing:
            for schema, table in relations:
                con.execute(f"create schema if not exists {_quoted(schema)}")
                con.execute(
                    f"create table {_quoted(schema, table)} as from published.{_quoted(schema, table)}"
                )
        con.execute("detach published")
    return missing
