"""dbt-duckdb plugin (profiles.yml `plugins`): set up every DuckDB session dbt opens.

Three settings come from the environment at connection time rather than from SQL or the profile:
- the pseudonymisation key, as a DuckDB variable through a bound parameter, so it never appears in
  SQL text (compiled models, dbt's logs, view definitions); staging reads it with getvariable()
  inside the `pseudonymised` macro;
- the data dir, as DuckDB's `file_search_path`: the sources read `lake/<platform>/<entity>/…`
  relative to it. Kept out of the project files and the profile because dbt's partial-parse state
  hashes both: a path in them would make every new data dir re-parse the whole project (~10 s);
- DuckDB's memory limit, which the pipeline derives from the run's memory budget at every build
  (runtime/memory.py): in the profile, each new value would re-parse the project too.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from pipelines.runtime.memory import duckdb_memory_limit
from pipelines.runtime.pii import DUCKDB_VARIABLE, pii_key

DATA_DIR_ENV = "SMM_DATA_DIR"


def configure_session(connection: Any, *, data_dir: str, key: str, memory_limit: str) -> None:
    """What a dbt session needs beyond the profile: the lake's folder, the pseudonymisation key and
    DuckDB's memory limit."""
    connection.execute("set file_search_path = ?", [data_dir])
    connection.execute(f"set variable {DUCKDB_VARIABLE} = ?", [key])
    connection.execute("set memory_limit = ?", [memory_limit])


def _configure_from_env(connection: Any) -> None:
    data_dir = os.environ.get(DATA_DIR_ENV)
    if not data_dir:
        raise RuntimeError(f"{DATA_DIR_ENV} is not set: dbt cannot find the lake it reads")
    # The pipeline passes the limit it derived (dbt.py dbt_env); a hand run of dbt gets the whole budget.
    configure_session(connection, data_dir=data_dir, key=pii_key(), memory_limit=duckdb_memory_limit())


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        _configure_from_env(conn)

    def configure_cursor(self, cursor: Any) -> None:
        # Each cursor is its own DuckDB connection with its own settings and variables.
        _configure_from_env(cursor)
