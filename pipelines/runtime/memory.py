"""Give freed memory back to the operating system between pipeline steps.

Ingest builds a Python dict per record before it becomes columnar; after a large dataset the
process keeps those freed pages (glibc's malloc holds them for reuse) while dbt's DuckDB, a
separate process, starts on top. Returning them keeps the run's peak at the larger of ingest and
dbt rather than their sum (docs/benchmarks.md).
"""

import ctypes
import ctypes.util
import os
from functools import cache

MEMORY_LIMIT_ENV = "SMM_DUCKDB_MEMORY_LIMIT"


def duckdb_memory_limit() -> str:
    """DuckDB's `memory_limit` for the build (dbt) and for reading it (validation): larger work spills
    to disk. Unbounded, DuckDB takes up to 80% of the machine's memory."""
    return os.environ.get(MEMORY_LIMIT_ENV) or "2GB"


@cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    return getattr(ctypes.CDLL(name), "malloc_trim", None)


def release_freed_memory() -> None:
    """Ask the C allocator to return free pages to the OS (no-op without glibc).

    No `gc.collect()`: reference counting has already freed the step's rows, and a full collection
    over Dagster's and GX's live objects cost ~0.14 s per step (4.4 s a run at demo scale).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
