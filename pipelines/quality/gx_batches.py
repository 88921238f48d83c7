"""Batches for Great Expectations: a table as a bounded pandas frame, from polars or the build DuckDB file.

GX validates pandas batches here (its SQL datasource does not work on DuckDB). Types are kept
faithful with pandas' nullable dtypes (an Int64 column with NULLs stays integer, not float), and a
table larger than the row cap is replaced by a deterministic sample: the rows whose grain hashes
lowest, so the same data always yields the same sample and duplicates of one grain stay together.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.runtime.memory import GX_BATCH_MB, duckdb_memory_limit, process_rss_mb

if TYPE_CHECKING:
    import pandas as pd


@cache
def _nullable_dtypes() -> dict[pa.DataType, object]:
    # pandas is imported on the first batch, not with the definitions (~0.2 s): GX needs it, and a
    # run whose batches have no rows never starts GX (gx_checks.validate).
    import pandas as pd

    return {
        pa.int64(): pd.Int64Dtype(),
        pa.int32(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype(),
        pa.large_string(): pd.StringDtype(),
        pa.string_view(): pd.StringDtype(),
    }


@dataclass(frozen=True)
class ValidationSettings:
    """Knobs of the validation stage, from the environment with working defaults.

    SMM_GX_MAX_ROWS           rows validated per table at most (a deterministic sample above it)
    SMM_MAX_ROW_DROP          largest accepted fall of a mart's row count against the previous
                              publication, as a share (0.5 = may halve; 1 disables the rule)
    SMM_VALIDATION_KEEP_DAYS  days of validation results and Data Docs pages kept
    """

    max_rows: int = 200_000
    max_row_drop: float = 0.5
    keep_days: int = 30

    @classmethod
    def from_env(cls) -> ValidationSettings:
        return cls(
            max_rows=int(os.environ.get("SMM_GX_MAX_ROWS") or cls.max_rows),
            max_row_drop=float(os.environ.get("SMM_MAX_ROW_DROP") or cls.max_row_drop),
            keep_days=int(os.environ.get("SMM_VALIDATION_KEEP_DAYS") or cls.keep_days),
        )


@dataclass(frozen=True)
class Batch:
    """What GX validates, and how much of the table it is."""

    frame: pd.DataFrame
    rows_total: int

    @property
    def sampled(self) -> bool:
        return len(self.frame) < self.rows_total


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """pandas with nullable dtypes; timestamps stay tz-aware, dates stay `datetime.date`."""
    return table.to_pandas(types_mapper=_nullable_dtypes().get)


def polars_batch(frame: pl.DataFrame | pl.LazyFrame, sample_key: tuple[str, ...], max_rows: int) -> Batch:
    """A polars frame as a batch; above `max_rows`, the rows whose `sample_key` hashes lowest.

    A lazy frame (a lake update read from its files) is counted and sampled by polars' streaming
    engine, so only the sample is ever in memory."""
    lazy = frame.lazy()
    rows_total = frame.height if isinstance(frame, pl.DataFrame) else lazy.select(pl.len()).collect().item()
    if rows_total > max_rows:
        names = lazy.collect_schema().names()
        key = [c for c in sample_key if c in names] or names
        lazy = (
            lazy.with_columns(pl.struct(key).hash(seed=0).alias("__sample_hash"))
            .sort("__sample_hash", maintain_order=True)
            .head(max_rows)
            .drop("__sample_hash")
        )
    return Batch(arrow_to_pandas(lazy.collect(engine="streaming").to_arrow()), rows_total)


def duckdb_batch(
    con: duckdb.DuckDBPyConnection, sql: str, sample_key: tuple[str, ...], max_rows: int
) -> Batch:
    """The result of `sql` as a batch; above `max_rows`, the rows whose `sample_key` hashes lowest."""
    rows_total = con.execute(f"select count(*) from ({sql}) as q").fetchall()[0][0]
    if rows_total > max_rows and sample_key:
        sql = f"select * from ({sql}) as q order by hash({', '.join(sample_key)}) limit {int(max_rows)}"
    return Batch(arrow_to_pandas(con.sql(sql).to_arrow_table()), rows_total)


def open_build_read_only(build_db: Path) -> duckdb.DuckDBPyConnection:
    """The finished build file, read-only, in UTC like the dbt session (date casts must agree), with the
    run's memory budget less this process and a GX batch (runtime/memory.py): unbounded, DuckDB would
    cache the tables it samples in up to 80% of the machine's memory."""
    limit = duckdb_memory_limit(beside_mb=process_rss_mb() + GX_BATCH_MB)
    con = duckdb.connect(str(build_db), read_only=True, config={"memory_limit": limit})
    con.execute("set TimeZone = 'UTC'")
    return con


def previous_row_count(parquet_dir: Path, table: str) -> int | None:
    """Rows of `table` in the current publication (Parquet footer only), None if never published."""
    path = parquet_dir / f"{table}.parquet"
    if not path.exists():
        return None
    return pq.ParquetFile(path).metadata.num_rows


def row_count_floor(previous: int | None, max_drop: float, rows_sampled_out: int = 0) -> int:
    """The fewest rows the batch of a new publication's table may have: the previous count less the
    accepted drop, less the rows a sample of the table left out (the floor is on the whole table, the
    row-count check counts the batch; without this every table above SMM_GX_MAX_ROWS failed the check
    on every run after the first)."""
    if previous is None or max_drop >= 1:
        return 0
    return max(math.ceil(previous * (1 - max(max_drop, 0.0))) - rows_sampled_out, 0)
