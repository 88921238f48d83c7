"""The run's memory: the step-end release must reach glibc where there is one (or it silently does
nothing), and DuckDB's limit is what the budget leaves beside it."""

import os
import platform
import sys

import pytest

from pipelines.runtime.memory import (
    BUDGET_ENV,
    DUCKDB_FLOOR_MB,
    MEMORY_LIMIT_ENV,
    duckdb_memory_limit,
    megabytes,
    process_rss_mb,
    release_freed_memory,
)

MIB = 1 << 20


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's"
)
def test_memory_freed_mid_heap_goes_back_to_the_os() -> None:
    # Like ingest's per-record objects: many small malloc'd blocks (above pymalloc's 512-byte limit),
    # then one still alive above them, so glibc cannot shrink the heap top and keeps the freed pages.
    blocks = [bytes(1024) for _ in range(64 * 1024)]  # 64 MiB
    still_alive = bytes(1024)
    del blocks
    held = _resident_bytes()
    release_freed_memory()
    returned = held - _resident_bytes()
    assert returned > 32 * MIB, f"only {returned / MIB:.1f} MiB of 64 freed went back to the OS"
    assert still_alive == bytes(1024)


# ---------------------------------------------------------------- DuckDB's share of the run's budget


@pytest.mark.parametrize(
    ("size", "mb"),
    [("3GB", 3000.0), ("2500MB", 2500.0), ("1.5GiB", 1610.612736), (" 4 gb ", 4000.0), ("512KiB", 0.524288)],
)
def test_budget_sizes_read_as_duckdb_writes_them(size: str, mb: float) -> None:
    assert megabytes(size, BUDGET_ENV) == pytest.approx(mb)


@pytest.mark.parametrize("size", ["", "three GB", "3 GBs", "-1GB", "3,5GB"])
def test_a_size_that_is_not_one_names_the_variable(size: str) -> None:
    with pytest.raises(ValueError, match=f"{BUDGET_ENV}="):
        megabytes(size, BUDGET_ENV)


def test_duckdb_gets_the_budget_less_what_runs_beside_it(monkeypatch) -> None:
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.delenv(BUDGET_ENV, raising=False)
    assert duckdb_memory_limit() == "3000MB"  # the default budget, nothing beside
    # At 15 GB of captures the pipeline process held ~1.1 GB when dbt started; dbt's process beyond
    # DuckDB's limit 0.4 GB.
    assert duckdb_memory_limit(beside_mb=1109 + 420) == "1471MB"
    monkeypatch.setenv(BUDGET_ENV, "8GB")
    assert duckdb_memory_limit(beside_mb=1000.4) == "6999MB"
    # A budget that leaves too little: DuckDB keeps a working minimum (the budget is exceeded).
    monkeypatch.setenv(BUDGET_ENV, "1GB")
    assert duckdb_memory_limit(beside_mb=900) == f"{DUCKDB_FLOOR_MB}MB"


def test_an_explicit_duckdb_limit_wins_over_the_budget(monkeypatch) -> None:
    monkeypatch.setenv(BUDGET_ENV, "not a size")  # not even read
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "2GB")
    assert duckdb_memory_limit(beside_mb=5000) == "2GB"


def test_the_process_measures_itself_as_the_os_does() -> None:
    if not os.path.exists("/proc/self/statm"):
        assert process_rss_mb() == 0.0
        return
    assert process_rss_mb() == pytest.approx(_resident_bytes() / 1e6, rel=0.05)
