"""SIGKILL the pipeline in ingest, in dbt and in publish: the publication readers see is untouched,
no partial Parquet appears at a published path, and the next run converges to the same marts.

The kills happen inside the four-run series of conftest (one before run 3, two before run 4), at known points
set by the test hook in pipelines/runtime/pause.py, while the reader process keeps querying.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from tests.reliability.conftest import RepeatedRuns
from tests.reliability.helpers import snapshot_diff

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


def test_each_kill_hit_work_in_progress(repeated_runs: RepeatedRuns) -> None:
    kills = {k.phase: k for k in repeated_runs.kills}
    assert list(kills) == ["ingest", "dbt", "publish"]
    assert all(k.returncode == -9 for k in kills.values())
    # Otherwise the test would prove nothing: ingest was mid-swap of a lake dataset, dbt mid-build,
    # publish had a finished export and build file that it had not yet published.
    assert any(".new-" in name for name in kills["ingest"].lake_temp_dirs), kills["ingest"]
    assert kills["dbt"].build_file_left
    assert kills["publish"].build_file_left and kills["publish"].unpublished_generations


def test_a_killed_run_leaves_the_previous_publication_byte_identical(
    repeated_runs: RepeatedRuns, figures
) -> None:
    kills = repeated_runs.kills
    figures.record(
        "2_crash_safety",
        kills_survived=sum(k.published_intact and k.publication_readable == "ok" for k in kills),
        kills=[asdict(k) for k in kills],
    )
    for kill in kills:
        assert kill.published_intact, f"{kill.phase}: the published DuckDB file or Parquet set changed"
        assert kill.publication_readable == "ok", f"{kill.phase}: {kill.publication_readable}"


def test_the_run_after_each_kill_converges_to_the_marts_of_an_uninterrupted_run(
    repeated_runs: RepeatedRuns,
) -> None:
    uninterrupted = repeated_runs.snapshots[0]
    for run_number in (3, 4):  # each follows a killed run (run 4 follows two)
        assert snapshot_diff(uninterrupted, repeated_runs.snapshots[run_number - 1]) == {}, run_number
    # Killed runs never published, so they left no ops.runs row: one row per successful run.
    assert repeated_runs.ops_runs == [1, 2, 3, 4]


def test_the_run_after_each_kill_cleans_what_it_left(repeated_runs: RepeatedRuns) -> None:
    assert repeated_runs.leftovers_after_run == [[]] * len(repeated_runs.results)
