"""The run's memory: DuckDB's share of the budget, and freed memory given back between steps.

A run is two processes at its peak: the pipeline's (Dagster, ingest's leftovers, Great Expectations)
and dbt's, whose DuckDB does the heavy SQL. The pipeline process grows slowly with the data (0.7 GB at
scale 1, 1.2 GB at 15 GB of captures: docs/benchmarks.md), so a fixed DuckDB limit lets the sum grow
with it. DuckDB gets instead what the budget (`SMM_MEMORY_BUDGET`) leaves beside the processes that
run next to it, measured when it starts, and spills the rest to disk. `SMM_DUCKDB_MEMORY_LIMIT`, when
set, is DuckDB's limit as given.

Ingest builds a Python dict per record before it becomes columnar; after a large dataset the
process keeps those freed pages (glibc's malloc holds them for reuse) while dbt's DuckDB, a
separate process, starts on top. Returning them keeps the run's peak at the larger of ingest and
dbt rather than their sum.
"""

import ctypes
import ctypes.util
import os
import re
from functools import cache
from pathlib import Path

MEMORY_LIMIT_ENV = "SMM_DUCKDB_MEMORY_LIMIT"
BUDGET_ENV = "SMM_MEMORY_BUDGET"
DEFAULT_BUDGET = "3GB"
# dbt's process beyond its DuckDB's memory_limit (dbt's Python, DuckDB's memory outside its buffer
# pool): 0.19 GB at scale 70 (1,832 MB at a 1,642 MB limit), 0.42 GB at 15.4 GB of captures (1,960 MB
# at 1,541 MB) — docs/benchmarks.md.
DBT_PROCESS_MB = 500
# A Great Expectations batch (up to 200,000 rows as pandas) and its metrics, beside the validation's
# DuckDB, which otherwise fills its limit with cached table blocks (at 15.4 GB of captures, sampling
# int_post_metric_snapshots' 13 M rows took DuckDB to 2.4 GB; at 0.5 GB it needed 1.3 s more).
GX_BATCH_MB = 500
# Below this DuckDB spends its time spilling: a budget that leaves DuckDB less is exceeded.
DUCKDB_FLOOR_MB = 512
_UNITS = {
    "": 1e-6,
    "b": 1e-6,
    "kb": 1e-3,
    "mb": 1.0,
    "gb": 1e3,
    "tb": 1e6,
    "kib": 1024 / 1e6,
    "mib": 1024**2 / 1e6,
    "gib": 1024**3 / 1e6,
    "tib": 1024**4 / 1e6,
}


def megabytes(size: str, variable: str) -> float:
    """'3GB', '2500MB', '1.5GiB' in MB (10^6 bytes); a ValueError naming `variable` otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", size)
    unit = match.group(2).lower() if match else ""
    if not match or unit not in _UNITS:
        raise ValueError(f"{variable}={size!r} is not a size such as 3GB, 2500MB or 1.5GiB")
    return float(match.group(1)) * _UNITS[unit]


def process_rss_mb() -> float:
    """This process's resident memory now, in MB; 0 where /proc is not available."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def duckdb_memory_limit(beside_mb: float = 0.0) -> str:
    """DuckDB's `memory_limit`: `SMM_DUCKDB_MEMORY_LIMIT` as given, else the budget minus `beside_mb`
    (the memory of what runs beside this DuckDB), never below DUCKDB_FLOOR_MB. Larger work spills to
    disk; unbounded, DuckDB would take up to 80% of the machine's memory."""
    explicit = os.environ.get(MEMORY_LIMIT_ENV)
    if explicit:
        return explicit
    budget = megabytes(os.environ.get(BUDGET_ENV) or DEFAULT_BUDGET, BUDGET_ENV)
    return f"{max(DUCKDB_FLOOR_MB, int(budget - beside_mb))}MB"


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
