"""Many Python rows into a DuckDB table in one statement.

`executemany` runs one INSERT per row: ~1 ms each, so the ~3,000 landing files and lake partitions a
scale-70 build records cost seconds twice per run. Handed over as one Arrow table, they cost
milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Append `rows` (tuples in the order of `columns`, the table's own order) to `table`."""
    if not rows:
        return
    values = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    con.from_arrow(pa.table(values)).insert_into(table)
