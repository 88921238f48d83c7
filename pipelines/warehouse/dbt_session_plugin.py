"""dbt-duckdb plugin (profiles.yml `plugins`): set up every DuckDB session dbt opens.

Two settings come from the environment at connection time rather than from SQL or the profile:
- the pseudonymisation key, as a DuckDB variable through a bound parameter, so it never appears in
  SQL text (compiled models, dbt's logs, view definitions); staging reads it with getvariable()
  inside the `pseudonymised` macro;
- the data dir, as DuckDB's `file_search_path`: the sources read `lake/<platform>/<entity>/…`
  relative to it. Kept out of the project files and the profile because dbt's partial-parse state
  hashes both: a path in them would make every new data dir re-parse the whole project (~10 s).
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from pipelines.runtime.pii import DUCKDB_VARIABLE, pii_key

DATA_DIR_ENV = "SMM_DATA_DIR"


def configure_session(connection: Any, *, data_dir: str, key: str) -> None:
    """What a dbt session needs beyond the profile: the lake's folder and the pseudonymisation key."""
    connection.execute("set file_search_path = ?", [data_dir])
    connection.execute(f"set variable {DUCKDB_VARIABLE} = ?", [key])


def _configure_from_env(connection: Any) -> None:
    data_dir = os.environ.get(DATA_DIR_ENV)
    if not data_dir:
        raise RuntimeError(f"{DATA_DIR_ENV} is not set: dbt cannot find the lake it reads")
    configure_session(connection, data_dir=data_dir, key=pii_key())


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        _configure_from_env(conn)

    def configure_cursor(self, cursor: Any) -> None:
        # Each cursor is its own DuckDB connection with its own settings and variables.
        _configure_from_env(cursor)
