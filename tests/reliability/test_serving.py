"""Readers are never blocked, reruns change nothing, the published file stays bounded, and a second
run on the same data dir is refused — all measured on the four-run series of conftest (four real
`smm run` processes, three more killed in between)."""

from __future__ import annotations

import re

import pytest

from tests.reliability.conftest import RUNS, RepeatedRuns
from tests.reliability.helpers import snapshot_diff

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


def test_reader_process_never_fails_and_always_sees_one_complete_publication(
    repeated_runs: RepeatedRuns, figures
) -> None:
    reader = repeated_runs.reader
    figures.record(
        "1_readers_never_blocked",
        pipeline_runs=RUNS,
        run_seconds=[round(r.seconds, 1) for r in repeated_runs.results],
        killed_runs=len(repeated_runs.kills),
        reads_during_runs=reader["reads"],
        read_errors=reader["errors"],
        parquet_set_reads=reader["parquet_reads"],
        parquet_read_errors=reader["parquet_errors"],
        publications_seen=len(reader["run_ids_seen"]),
        polls_before_first_publication=reader["waits_before_first_publication"],
    )
    assert reader["errors"] == 0 and reader["parquet_errors"] == 0, reader["error_messages"]
    assert reader["reads"] > RUNS * 10, "the reader barely ran; the test proves nothing"
    # It started before the first publication existed and waited for it rather than failing.
    assert reader["waits_before_first_publication"] > 0
    # Each read reconnects, so it moves on to every new publication: one per run, in order.
    published_run_ids = [
        re.search(r"^run (\S+) succeeded", r.stdout, re.M).group(1) for r in repeated_runs.results
    ]
    assert reader["run_ids_seen"] == published_run_ids
    assert reader["runs_count_decreased"] == 0


def test_running_twice_on_the_same_landing_gives_identical_marts(
    repeated_runs: RepeatedRuns, figures
) -> None:
    first, second = repeated_runs.snapshots[:2]
    figures.record("3_idempotency", mart_rows_compared=sum(len(rows) for rows in first.values()))
    assert all(first.values()), "a mart is empty: the comparison would prove nothing"
    assert snapshot_diff(first, second) == {}


def test_landing_the_same_capture_twice_changes_nothing(repeated_runs: RepeatedRuns, figures) -> None:
    original, copy = repeated_runs.duplicated
    figures.record("3_idempotency", duplicate_landed=f"{original} copied as {copy}")
    reference = repeated_runs.snapshots[0]
    for later in repeated_runs.snapshots[2:]:
        assert snapshot_diff(reference, later) == {}


def test_published_file_stays_bounded_over_repeated_runs(repeated_runs: RepeatedRuns, figures) -> None:
    sizes = repeated_runs.sizes
    ratio = sizes[-1] / sizes[0]
    figures.record(
        "5_bounded_disk",
        published_bytes_per_run=sizes,
        size_ratio_run5_vs_run1=round(ratio, 4),
        # Context, not bounded here: dbt's own log rotation (5 x 10 MB) and the validation
        # history kept for SMM_VALIDATION_KEEP_DAYS grow the data dir until they cap.
        data_dir_bytes_per_run=repeated_runs.data_dir_bytes,
    )
    assert len(sizes) == RUNS
    # Five real publications, each carrying the history of those before it: not one file reused.
    assert repeated_runs.ops_runs == list(range(1, RUNS + 1))
    assert ratio <= 1.2


def test_nothing_accumulates_beside_the_publication(repeated_runs: RepeatedRuns, figures) -> None:
    data = repeated_runs.data
    warehouse = sorted(p.name for p in (data / "warehouse").iterdir())
    # The published file, the Parquet link, its current and previous generation: nothing else.
    assert len([n for n in warehouse if n.startswith(".parquet-")]) == 2, warehouse
    assert set(warehouse) - {n for n in warehouse if n.startswith(".parquet-")} == {"smm.duckdb", "parquet"}
    # dbt's target folder is reused, not one more per run; one kept build, the last run's plan.
    build = sorted(p.name for p in (data / "build").iterdir())
    assert build == [".run.lock", "dbt_target", "last_build.duckdb", "run_plan.json"], build
    data_bytes = sum(p.stat().st_size for p in data.rglob("*") if p.is_file() and not p.is_symlink())
    figures.record("5_bounded_disk", data_dir_bytes_after_series=data_bytes)


def test_a_second_run_on_the_same_data_dir_is_refused_at_once(repeated_runs: RepeatedRuns, figures) -> None:
    refused = repeated_runs.refused
    assert refused is not None
    figures.record("7_errors", second_run_refused_after_seconds=round(refused.seconds, 1))
    assert refused.returncode == 2
    message = refused.stderr.strip()
    assert message.count("\n") == 0, "one message, not a traceback"
    assert str(repeated_runs.data / "build" / ".run.lock") in message
    assert f"pid {repeated_runs.refused_holder_pid}" in message
    assert "wait for it to finish" in message
    # Refused before doing anything: the concurrent run it would have disturbed still succeeded.
    assert repeated_runs.results[1].returncode == 0
