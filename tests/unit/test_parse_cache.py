"""The parse cache: a run parses only new or changed landing files, and the dataset it assembles is
exactly what parsing every file gives (rows, quarantine, accounting)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse import ingest_files
from pipelines.ingest.parse_cache import ingest_cached
from pipelines.sandbox.generator import generate
from pipelines.schemas import BY_NAME
from pipelines.schemas import DATASETS as DATASETS_ALL

# Datasets of every file kind: daily JSONL envelopes, CSV exports, one JSON export document.
DATASETS = ["facebook__posts", "listening__mentions", "telegram__export", "youtube__channel_basic_a3"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cache_landing")
    generate(out, days=4, seed=13, scale=1)  # the generator's defects: bad JSON, duplicates, error bodies
    return out


@pytest.fixture
def landing(sample: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "landing"
    shutil.copytree(sample, copy)
    return copy


def _files(landing: Path, name: str) -> list[Path]:
    return scan_landing(landing).files_for(BY_NAME[name])


def _assert_same(cached, plain) -> None:
    assert_frame_equal(cached.rows, plain.rows)
    assert_frame_equal(cached.quarantine, plain.quarantine)
    assert cached.stats == plain.stats


@pytest.mark.parametrize("name", DATASETS)
def test_a_warm_run_parses_nothing_and_equals_parsing_every_file(
    landing: Path, tmp_path: Path, name: str
) -> None:
    files = _files(landing, name)
    cold, cold_stats = ingest_cached(BY_NAME[name], files, landing, tmp_path / "cache")
    warm, warm_stats = ingest_cached(BY_NAME[name], files, landing, tmp_path / "cache")
    plain = ingest_files(BY_NAME[name], files, landing)
    assert (cold_stats.files_parsed, cold_stats.files_cached) == (len(files), 0)
    assert (warm_stats.files_parsed, warm_stats.files_cached) == (0, len(files))
    _assert_same(cold, plain)
    _assert_same(warm, plain)


def test_every_dataset_with_the_generated_defects_comes_back_whole(landing: Path, tmp_path: Path) -> None:
    quarantined = duplicates = 0
    for dataset in DATASETS_ALL:
        files = scan_landing(landing).files_for(dataset)
        ingest_cached(dataset, files, landing, tmp_path / "cache")
        warm, _ = ingest_cached(dataset, files, landing, tmp_path / "cache")
        _assert_same(warm, ingest_files(dataset, files, landing))
        quarantined += warm.stats.records_quarantined
        duplicates += warm.stats.duplicates_collapsed
    assert quarantined > 0 and duplicates > 0  # the defects were there to be kept


def test_a_changed_file_is_parsed_again_and_a_touched_one_is_not(landing: Path, tmp_path: Path) -> None:
    dataset = BY_NAME["facebook__posts"]
    files = _files(landing, "facebook__posts")
    ingest_cached(dataset, files, landing, tmp_path / "cache")
    changed, touched = files[0], files[1]
    lines = changed.read_bytes().splitlines(keepends=True)
    changed.write_bytes(b"".join(lines[:-1]))  # the last capture of that day removed
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    result, stats = ingest_cached(dataset, files, landing, tmp_path / "cache")
    assert (stats.files_parsed, stats.files_cached) == (1, len(files) - 1)
    _assert_same(result, ingest_files(dataset, files, landing))


def test_a_removed_file_leaves_the_dataset_and_the_cache(landing: Path, tmp_path: Path) -> None:
    dataset = BY_NAME["facebook__posts"]
    files = _files(landing, "facebook__posts")
    ingest_cached(dataset, files, landing, tmp_path / "cache")
    files[-1].unlink()
    result, stats = ingest_cached(dataset, files[:-1], landing, tmp_path / "cache")
    assert stats.entries_removed == 1
    assert files[-1].relative_to(landing).as_posix() not in set(result.rows["source_file"])
    folder = tmp_path / "cache" / "facebook" / "posts"
    assert len(list(folder.glob("*.json"))) == len(files)  # one entry per remaining file + index.json


def test_a_damaged_entry_is_parsed_again_not_trusted(landing: Path, tmp_path: Path) -> None:
    dataset = BY_NAME["facebook__posts"]
    files = _files(landing, "facebook__posts")
    ingest_cached(dataset, files, landing, tmp_path / "cache")
    for parquet in (tmp_path / "cache" / "facebook" / "posts").glob("*.parquet"):
        parquet.write_bytes(b"not parquet")
    result, stats = ingest_cached(dataset, files, landing, tmp_path / "cache")
    assert stats.files_parsed == len(files)
    _assert_same(result, ingest_files(dataset, files, landing))


def test_files_the_plan_forces_are_parsed_again_and_the_rest_comes_from_the_cache(
    landing: Path, tmp_path: Path
) -> None:
    dataset = BY_NAME["facebook__posts"]
    files = _files(landing, "facebook__posts")
    ingest_cached(dataset, files, landing, tmp_path / "cache")
    first_day = {files[0].relative_to(landing).as_posix()}
    _, stats = ingest_cached(dataset, files, landing, tmp_path / "cache", forced=first_day)
    assert (stats.files_parsed, stats.files_cached) == (1, len(files) - 1)
    every = {path.relative_to(landing).as_posix() for path in files}
    _, stats = ingest_cached(dataset, files, landing, tmp_path / "cache", forced=every)
    assert (stats.files_parsed, stats.files_cached) == (len(files), 0)
