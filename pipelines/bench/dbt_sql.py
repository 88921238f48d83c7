"""dbt's own overhead: the SQL of a finished dbt build replayed in one DuckDB connection.

dbt's target dir after a build holds `run_results.json` (every node it ran, in the order they finished,
with the SQL it compiled) and `manifest.json` (each node's materialization and relation). From them we
rebuild the statements a build executes:
- a seed: the CSV read by DuckDB with the seed's declared column types (dbt loads it through agate);
- a view or table model: `create or replace view|table <relation> as (<compiled SQL>)`; an incremental
  model of a full build is a table (its compiled SQL is the full-refresh branch);
- a data test: dbt's own test wrapper (`select <fail_calc> as failures, ...` around the compiled SQL).

and run them one after another in one connection, into a fresh `<database>.duckdb` (the name dbt's
relations carry) with the profile's settings and the pseudonymisation key, reading the same lake. dbt's
wall time ÷ this replay's is what dbt adds: process start, parse, per-node adapter work (transactions,
renames, introspection, contract checks) and Dagster's event streaming.
Finishing order is a valid build order: a node starts only after all its parents finished.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Profile settings (dbt_project/profiles.yml) the replay applies to its one connection.
_SETTINGS = {"threads": "2", "TimeZone": "UTC"}
_DONE = {"success", "pass", "warn"}


@dataclass(frozen=True)
class Statement:
    unique_id: str
    kind: str  # seed, model or test
    sql: str
    dbt_seconds: float  # dbt's execution_time of the node


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _seed_sql(node: dict[str, Any], project_dir: Path) -> str:
    path = project_dir / node["original_file_path"]
    types = node["config"].get("column_types") or {}
    typed = ", ".join(f"{_quoted(col)}: {_quoted(kind)}" for col, kind in types.items())
    options = f", types = {{{typed}}}" if typed else ""
    return (
        f"create or replace table {node['relation_name']} as select * from "
        f"read_csv({_quoted(str(path))}, header = true, delim = {_quoted(node['config'].get('delimiter') or ',')}"
        f"{options})"
    )


def _model_sql(node: dict[str, Any], compiled: str) -> str:
    kind = "view" if node["config"]["materialized"] == "view" else "table"
    return f"create or replace {kind} {node['relation_name']} as (\n{compiled}\n)"


def _test_sql(node: dict[str, Any], compiled: str) -> str:
    config = node["config"]
    fail_calc = config.get("fail_calc") or "count(*)"
    return (
        f"select {fail_calc} as failures, {fail_calc} {config.get('warn_if') or '!= 0'} as should_warn, "
        f"{fail_calc} {config.get('error_if') or '!= 0'} as should_error from (\n{compiled}\n) dbt_internal_test"
    )


def build_statements(target_dir: Path, project_dir: Path) -> list[Statement]:
    """The statements of the build recorded in `target_dir`, in the order dbt finished them.

    Raises ValueError when a node did not succeed (a replay would not be the same work) or when a
    materialization has no plain-SQL equivalent here.
    """
    manifest = json.loads((target_dir / "manifest.json").read_text())
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    statements: list[Statement] = []
    for result in results:
        node = manifest["nodes"].get(result["unique_id"])
        if node is None:  # exposures and the like: nothing executed
            continue
        if result["status"] not in _DONE:
            raise ValueError(f"{result['unique_id']}: {result['status']} in the recorded build")
        kind, compiled = node["resource_type"], result.get("compiled_code") or ""
        if kind == "seed":
            sql = _seed_sql(node, project_dir)
        elif kind == "model" and node["config"]["materialized"] in ("view", "table", "incremental"):
            sql = _model_sql(node, compiled)
        elif kind == "test":
            sql = _test_sql(node, compiled)
        else:
            raise ValueError(
                f"{result['unique_id']}: no plain-SQL replay for {kind}/{node['config'].get('materialized')}"
            )
        statements.append(Statement(result["unique_id"], kind, sql, float(result["execution_time"])))
    return statements


def _schemas(target_dir: Path, statements: list[Statement]) -> tuple[str, list[str]]:
    """The database name dbt's relations carry and the schemas the statements write into."""
    nodes = json.loads((target_dir / "manifest.json").read_text())["nodes"]
    written = [nodes[s.unique_id] for s in statements if s.kind != "test"]
    databases = {n["database"] for n in written}
    if len(databases) != 1:
        raise ValueError(f"expected one database in the build, got {sorted(databases)}")
    return databases.pop(), sorted({n["schema"] for n in written})


def replay(
    target_dir: Path,
    project_dir: Path,
    workdir: Path,
    *,
    data_dir: Path,
    memory_limit: str = "2GB",
    pii_key: str = "",
) -> dict[str, Any]:
    """Run the build's statements in one DuckDB connection on a fresh file; time each one.

    The session is set up as dbt's is (the lake under `data_dir`, the pseudonymisation key, the limit)."""
    import duckdb

    statements = build_statements(target_dir, project_dir)
    database, schemas = _schemas(target_dir, statements)
    workdir.mkdir(parents=True, exist_ok=True)
    db_file = workdir / f"{database}.duckdb"
    for leftover in (db_file, db_file.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    from pipelines.warehouse.dbt_session_plugin import configure_session

    per_node: list[dict[str, Any]] = []
    failing_tests = 0
    with duckdb.connect(str(db_file)) as con:
        for name, value in _SETTINGS.items():
            con.execute(f"set {name} = {_quoted(value)}")
        configure_session(con, data_dir=str(data_dir), key=pii_key, memory_limit=memory_limit)
        for schema in schemas:
            con.execute(f'create schema if not exists "{schema}"')
        cpu_before, started = time.process_time(), time.perf_counter()
        for statement in statements:
            node_started = time.perf_counter()
            rows = con.execute(statement.sql).fetchall()
            if statement.kind == "test" and rows and rows[0][0]:
                failing_tests += 1
            per_node.append(
                {
                    "unique_id": statement.unique_id,
                    "kind": statement.kind,
                    "seconds": time.perf_counter() - node_started,
                    "dbt_seconds": statement.dbt_seconds,
                }
            )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_before
        # Rows of every table the replay built: what a check against dbt's own build compares.
        nodes = json.loads((target_dir / "manifest.json").read_text())["nodes"]
        table_rows = {
            nodes[s.unique_id]["relation_name"]: con.execute(
                f"select count(*) from {nodes[s.unique_id]['relation_name']}"
            ).fetchone()[0]
            for s in statements
            if s.kind == "model" and nodes[s.unique_id]["config"]["materialized"] != "view"
        }
    db_file.unlink(missing_ok=True)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "nodes": len(statements),
        "by_kind": {k: sum(1 for s in statements if s.kind == k) for k in ("seed", "model", "test")},
        "failing_tests": failing_tests,
        "dbt_node_seconds": sum(s.dbt_seconds for s in statements),
        "table_rows": table_rows,
        "per_node": per_node,
    }


def overhead(replayed: dict[str, Any], dbt_wall: float, dbt_elapsed: float) -> dict[str, float | None]:
    """dbt's wall ÷ the replay's, and what dbt adds per node (seconds).

    `dbt_wall` is the Dagster dbt step (process start, parse, build, event streaming); `dbt_elapsed` is
    the build as dbt timed it (run_results.json `elapsed_time`); node seconds are summed over dbt's threads.
    """
    nodes, raw = replayed["nodes"], replayed["seconds"]
    return {
        "dbt_over_raw": dbt_wall / raw if raw > 0 else None,
        "dbt_elapsed_over_raw": dbt_elapsed / raw if raw > 0 else None,
        "overhead_per_node_s": (dbt_wall - raw) / nodes if nodes else None,
        "node_overhead_per_node_s": (replayed["dbt_node_seconds"] - raw) / nodes if nodes else None,
    }


def measure_dbt_sql(data: Path, project_dir: Path, workdir: Path, dbt_wall: float) -> dict[str, Any]:
    """Replay the last build of the data dir (`<data>/build/dbt_target`) and set it against dbt's times."""
    import duckdb

    from pipelines.runtime.pii import DEMO_PII_KEY

    target = data / "build" / "dbt_target"
    dbt_elapsed = float(json.loads((target / "run_results.json").read_text())["elapsed_time"])
    # The measured runs get no SMM_* variable but the memory settings (measured_run): same key, and the
    # limit the build's DuckDB had, which the build recorded (it depends on the process beside dbt).
    with duckdb.connect(str(data / "build" / "last_build.duckdb"), read_only=True) as con:
        memory_limit = con.execute("select duckdb_memory_limit from ops.build_state").fetchone()[0]
    replayed = replay(
        target, project_dir, workdir, data_dir=data, memory_limit=memory_limit, pii_key=DEMO_PII_KEY
    )
    slowest = sorted(replayed["per_node"], key=lambda n: n["dbt_seconds"] - n["seconds"], reverse=True)[:5]
    return {
        **{k: v for k, v in replayed.items() if k != "per_node"},
        "dbt_wall_seconds": dbt_wall,
        "dbt_elapsed_seconds": dbt_elapsed,
        **overhead(replayed, dbt_wall, dbt_elapsed),
        "largest_node_overheads": slowest,
    }
