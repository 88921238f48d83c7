"""Parsing in worker processes: the same parses, quarantine and accounting as parsing in the run's
process, and the settings and failures a user can meet."""

from __future__ import annotations

import pickle
import signal
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse_cache import cached_parses
from pipelines.ingest.parse_workers import (
    MIN_RUN_BYTES,
    WORKERS_ENV,
    ParseWorkers,
    parse_workers,
    worker_count,
)
from pipelines.runtime.disk import DiskFull, is_disk_full
from pipelines.sandbox.generator import generate
from pipelines.schemas import DATASETS


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("workers_landing")
    generate(out, days=3, seed=29, scale=1)  # the generator's defects: bad JSON, duplicates, error bodies
    return out


def test_workers_give_what_the_run_process_gives_for_every_dataset(landing: Path, tmp_path: Path) -> None:
    workers = ParseWorkers(2, min_bytes=0)  # every dataset with two files or more goes to the workers
    went_to_workers = quarantined = 0
    try:
        for dataset in DATASETS:
            files = scan_landing(landing).files_for(dataset)
            here, here_stats = cached_parses(
                dataset, files, landing, tmp_path / "here", brands_file=landing / "brands.yml"
            )
            there, there_stats = cached_parses(
                dataset,
                files,
                landing,
                tmp_path / "there",
                brands_file=landing / "brands.yml",
                workers=workers,
            )
            assert [rel for rel, _ in there] == [rel for rel, _ in here]
            assert there_stats == here_stats
            for (rel, a), (_, b) in zip(here, there, strict=True):
                assert_frame_equal(b.rows(), a.rows(), check_row_order=True)
                assert_frame_equal(b.quarantine, a.quarantine)
                assert (b.stats, b.row_count, b.dates, b.key) == (a.stats, a.row_count, a.dates, a.key), rel
                quarantined += b.stats.records_quarantined
            went_to_workers += workers.worth_it(len(files), 1)
    finally:
        workers.close()
    assert went_to_workers >= len(DATASETS) - 3  # a few datasets hold one file in three days
    assert quarantined > 0  # the generated defects were there to be kept


def test_a_second_run_reads_the_workers_entries_from_the_cache(landing: Path, tmp_path: Path) -> None:
    dataset = next(d for d in DATASETS if d.name == "facebook__posts")
    files = scan_landing(landing).files_for(dataset)
    workers = ParseWorkers(2, min_bytes=0)
    try:
        first, first_stats = cached_parses(dataset, files, landing, tmp_path / "cache", workers=workers)
    finally:
        workers.close()
    second, second_stats = cached_parses(dataset, files, landing, tmp_path / "cache")
    assert (first_stats.files_parsed, second_stats.files_parsed, second_stats.files_cached) == (
        len(files),
        0,
        len(files),
    )
    for (_, a), (_, b) in zip(first, second, strict=True):
        assert_frame_equal(a.rows(), b.rows())


def test_a_full_disk_in_a_worker_reaches_the_run_as_a_full_disk(tmp_path: Path) -> None:
    error = pickle.loads(pickle.dumps(DiskFull(tmp_path / "cache" / "x.parquet")))
    assert isinstance(error, DiskFull) and is_disk_full(error)
    assert str(tmp_path / "cache" / "x.parquet") in str(error)


def test_a_dead_worker_fails_the_step_naming_the_files_and_the_setting(tmp_path: Path) -> None:
    workers = ParseWorkers(2, min_bytes=0)
    try:
        with pytest.raises(RuntimeError, match=f"landing/x/tweets/.*{WORKERS_ENV}=1"):
            workers.map(_die, [1, 2], what="landing/x/tweets/")
    finally:
        workers.close()


def _die(_: int) -> None:
    import os

    os._exit(9)  # what an out-of-memory kill looks like from the pool's side


def test_the_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert worker_count() == 3
    monkeypatch.delenv(WORKERS_ENV)
    assert 1 <= worker_count() <= 4
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(WORKERS_ENV, bad)
        with pytest.raises(ValueError, match=WORKERS_ENV):
            worker_count()


def test_one_worker_or_little_to_parse_stays_in_the_run_process() -> None:
    assert not ParseWorkers(1, min_bytes=0).worth_it(10, 10**9)
    assert not ParseWorkers(2, min_bytes=100).worth_it(10, 99)
    assert not ParseWorkers(2, min_bytes=0).worth_it(1, 10**9)
    assert ParseWorkers(2, min_bytes=100).worth_it(2, 100)


def test_the_pool_is_gone_after_close() -> None:
    workers = ParseWorkers(2, min_bytes=0)
    assert workers.map(abs, [-1, -2], what="numbers") == [1, 2]
    workers.close()
    workers.close()  # twice is harmless: the resource closes it however the run ended
    assert workers.map(abs, [-3], what="numbers") == [3]  # a closed pool starts again if asked
    workers.close()


def test_a_worker_leaves_ctrl_c_to_the_run_process() -> None:
    workers = ParseWorkers(2, min_bytes=0)
    try:
        assert workers.map(_sigint_handler, [0], what="a check") == [signal.SIG_IGN]
    finally:
        workers.close()


def _sigint_handler(_: int) -> object:
    return signal.getsignal(signal.SIGINT)


def test_a_run_with_little_to_parse_starts_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "2")
    with parse_workers(MIN_RUN_BYTES - 1) as small, parse_workers(MIN_RUN_BYTES) as large:
        assert not small.worth_it(100, 10**9)
        assert large.worth_it(100, 10**9)
