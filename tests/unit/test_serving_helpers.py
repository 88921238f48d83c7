"""The small pieces behind the reliability guarantees: run lock, disk-full messages, the pause hook,
leftover cleanup in the lake, and the atomic Parquet-set swap of publish."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.lake import replace_dataset_dir, write_parquet_atomic
from pipelines.runtime.disk import DiskFull, disk_full_is_fatal, failure_headline, is_disk_full
from pipelines.runtime.paths import resolve_paths
from pipelines.runtime.pause import pause_point
from pipelines.runtime.run_lock import RunLocked, run_lock
from pipelines.warehouse.publish import swap_parquet_generation


def test_second_holder_of_the_run_lock_is_refused_naming_file_run_and_pid(tmp_path: Path) -> None:
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    with run_lock(paths, run_id="run-a") as lock:
        assert lock.read_text().startswith(f"run run-a pid {os.getpid()} started at ")
        with pytest.raises(RunLocked) as refused, run_lock(paths):
            pass
    message = str(refused.value)
    assert (
        str(lock) in message
        and f"run run-a pid {os.getpid()}" in message
        and "wait for it to finish" in message
    )
    with run_lock(paths):  # released on exit: taken again at once
        pass


def test_a_waiting_run_says_whom_it_waits_for_then_gives_up_naming_the_holder(tmp_path: Path) -> None:
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    notices: list[str] = []
    with (
        run_lock(paths, run_id="run-a"),
        pytest.raises(RunLocked) as refused,
        run_lock(paths, wait_seconds=0.3, on_wait=notices.append, poll_seconds=0.05),
    ):
        pass
    assert notices and notices[0].startswith("waiting for the run that holds the run lock ")
    assert f"(run run-a pid {os.getpid()} started at " in notices[0]
    assert "after waiting" in str(refused.value)


def test_a_waiting_run_takes_the_lock_once_the_holder_releases_it(tmp_path: Path) -> None:
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    holder = run_lock(paths, run_id="run-a")
    holder.__enter__()
    timer = threading.Timer(0.3, holder.__exit__, args=(None, None, None))
    timer.start()
    with run_lock(paths, run_id="run-b", wait_seconds=10, poll_seconds=0.05) as lock:
        assert lock.read_text().startswith("run run-b ")
    timer.join()


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        pl.exceptions.ComputeError("parquet: underlying IO error: No space left on device (os error 28)"),
        RuntimeError('IO Error: Could not write file "/d/x.duckdb": No space left on device'),
    ],
)
def test_every_writers_disk_full_becomes_one_message_naming_the_file(error: Exception) -> None:
    assert is_disk_full(error)
    with pytest.raises(DiskFull) as raised, disk_full_is_fatal("/data/lake/x/posts"):
        raise error
    assert str(raised.value).startswith("disk full: no space left writing /data/lake/x/posts;")
    assert raised.value.__cause__ is None  # the runner reports the innermost cause: this one


def test_other_errors_pass_through_disk_full_guard() -> None:
    with pytest.raises(ValueError), disk_full_is_fatal("/x"):
        raise ValueError("not a disk problem")
    assert failure_headline(["KeyError: 'x'"], "/data") is None


def test_failure_headline_prefers_the_message_naming_the_file() -> None:
    ours = "pipelines.runtime.disk.DiskFull: disk full: no space left writing /data/lake/a; free space ..."
    assert failure_headline(["OSError: [Errno 28] No space left on device", ours], "/data").startswith(
        "disk full: no space left writing /data/lake/a;"
    )
    fallback = failure_headline(["OSError: [Errno 28] No space left on device"], "/data")
    assert fallback and "writing under /data" in fallback and "SMM_DATA_DIR" in fallback


def test_pause_point_is_a_no_op_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "marker"
    monkeypatch.setenv("SMM_TEST_PAUSE_MARKER", str(marker))
    monkeypatch.setenv("SMM_TEST_PAUSE_SECONDS", "0")
    monkeypatch.delenv("SMM_TEST_PAUSE_AT", raising=False)
    pause_point("dbt")
    assert not marker.exists()
    monkeypatch.setenv("SMM_TEST_PAUSE_AT", "dbt")
    pause_point("ingest")
    assert not marker.exists()
    pause_point("dbt")
    assert marker.read_text() == str(os.getpid())


def test_lake_write_removes_what_a_killed_write_left(tmp_path: Path) -> None:
    target = tmp_path / "facebook" / "posts"
    for leftover in (".posts.new-abc", ".posts.old-abc"):
        (tmp_path / "facebook" / leftover / "fetch_date=2026-01-01").mkdir(parents=True)
    quarantine = tmp_path / "q" / "posts.parquet"
    quarantine.parent.mkdir()
    (quarantine.parent / ".posts.parquet.dead.tmp").write_bytes(b"PAR1 partial")
    frame = pl.DataFrame({"a": [1]})
    replace_dataset_dir(frame, target, partition=False)
    write_parquet_atomic(frame, quarantine)
    assert sorted(p.name for p in (tmp_path / "facebook").iterdir()) == ["posts"]
    assert sorted(p.name for p in quarantine.parent.iterdir()) == ["posts.parquet"]


def test_parquet_set_is_swapped_by_one_link_and_old_sets_are_pruned(tmp_path: Path) -> None:
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    legacy = paths.published_parquet
    legacy.mkdir(parents=True)
    (legacy / "dim_brands.parquet").write_bytes(b"old layout")
    generations = []
    for n in range(3):
        generation = paths.warehouse / f".parquet-g{n}"
        generation.mkdir()
        (generation / "dim_brands.parquet").write_text(str(n))
        swap_parquet_generation(paths, generation)
        generations.append(generation.name)
        assert (paths.published_parquet / "dim_brands.parquet").read_text() == str(n)
    assert paths.published_parquet.is_symlink()
    # The current set and the one before it (readers may still be reading it); nothing older.
    assert sorted(p.name for p in paths.warehouse.glob(".parquet*")) == generations[1:]
