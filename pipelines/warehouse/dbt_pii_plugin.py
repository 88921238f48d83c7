"""dbt-duckdb plugin (profiles.yml `plugins`): give every dbt connection the pseudonymisation key.

Set as a DuckDB session variable through a bound parameter, so the key never appears in SQL text:
not in compiled models, not in dbt's logs, not in view definitions. Staging reads it with
getvariable() inside the `pseudonymised` macro.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from pipelines.runtime.pii import DUCKDB_VARIABLE, pii_key


def _set_key(connection: Any) -> None:
    connection.execute(f"set variable {DUCKDB_VARIABLE} = ?", [pii_key()])


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        _set_key(conn)

    def configure_cursor(self, cursor: Any) -> None:
        # Each cursor is its own DuckDB connection with its own variables.
        _set_key(cursor)
