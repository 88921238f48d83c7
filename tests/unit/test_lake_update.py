"""An incremental lake update rewrites only the fetch dates whose landing files changed, and the dataset
it leaves is exactly a rebuild from every file: rows (order included), quarantine and accounting.

The reference is `ingest_files` (every file parsed, no cache, no lake) written by `replace_dataset_dir`."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.ingest import lake_update, parse_cache
from pipelines.ingest.lake import StagedUpdate, apply_lake_update, replace_dataset_dir, stage_lake_update
from pipelines.ingest.lake_update import Manifest, plan_update
from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse import ingest_files
from pipelines.ingest.parse_cache import cached_parses
from pipelines.sandbox.generator import generate
from pipelines.schemas import BY_NAME

# Daily JSONL envelopes with the generator's defects (bad JSON, duplicates, error bodies), a report
# dataset with nullable key parts, and CSV exports (two tools' exports share a fetch date).
DATASETS = ["facebook__posts", "youtube__channel_basic_a3", "listening__mentions"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lake_update_landing")
    generate(out, days=5, seed=21, scale=1)
    return out


@pytest.fixture
def landing(sample: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "landing"
    shutil.copytree(sample, copy)
    return copy


def _files(landing: Path, name: str) -> list[Path]:
    return scan_landing(landing).files_for(BY_NAME[name])


def _update(landing: Path, tmp_path: Path, name: str, files: list[Path], **kwargs) -> StagedUpdate:
    """One ingest run as the asset does it: cached parses, plan against the lake's manifest, write."""
    dataset = BY_NAME[name]
    target = tmp_path / "lake" / dataset.platform / dataset.entity
    parses, _ = cached_parses(dataset, files, landing, tmp_path / "cache")
    update = plan_update(dataset, parses, Manifest.read(target), **kwargs)
    return apply_lake_update(update, target)


def _lake_rows(target: Path) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(p) for p in sorted(target.glob("**/*.parquet"))], how="vertical")


def _assert_equals_a_rebuild(landing: Path, tmp_path: Path, name: str, staged: StagedUpdate) -> None:
    dataset = BY_NAME[name]
    files = _files(landing, name)
    reference = ingest_files(dataset, files, landing)
    rebuilt = tmp_path / "rebuilt"
    replace_dataset_dir(reference.rows, rebuilt)
    target = tmp_path / "lake" / dataset.platform / dataset.entity
    assert_frame_equal(_lake_rows(target), _lake_rows(rebuilt))
    assert_frame_equal(pl.read_parquet(target), pl.read_parquet(rebuilt))  # the folder reads as one dataset
    assert sorted(p.relative_to(target) for p in target.glob("**/*.parquet")) == sorted(
        p.relative_to(rebuilt) for p in rebuilt.glob("**/*.parquet")
    )
    assert_frame_equal(staged.quarantine, reference.quarantine)
    assert staged.stats == reference.stats
    assert staged.stats.reconciles


@pytest.mark.parametrize("name", DATASETS)
def test_a_new_day_rewrites_only_its_dates_and_equals_a_rebuild(
    landing: Path, tmp_path: Path, name: str
) -> None:
    files = _files(landing, name)
    first = _update(landing, tmp_path, name, files[:-1])
    assert first.update.full and not first.update.kept
    second = _update(landing, tmp_path, name, files)
    new_dates = set(second.manifest.files[files[-1].relative_to(landing).as_posix()][1])
    assert not second.update.full and new_dates
    assert second.update.rewritten_dates == new_dates
    assert second.update.kept.keys() == first.manifest.partitions.keys() - new_dates
    _assert_equals_a_rebuild(landing, tmp_path, name, second)


def test_an_unchanged_landing_rewrites_nothing_and_keeps_the_same_files(
    landing: Path, tmp_path: Path
) -> None:
    name = "facebook__posts"
    files = _files(landing, name)
    _update(landing, tmp_path, name, files)
    target = tmp_path / "lake" / "facebook" / "posts"
    inodes = {p.name: p.stat().st_ino for p in target.glob("*/*.parquet")}
    again = _update(landing, tmp_path, name, files)
    assert not again.update.rewritten_dates and not again.written
    assert {p.name: p.stat().st_ino for p in target.glob("*/*.parquet")} == inodes
    _assert_equals_a_rebuild(landing, tmp_path, name, again)


def test_a_changed_and_a_removed_file_rewrite_their_dates(landing: Path, tmp_path: Path) -> None:
    name = "facebook__posts"
    files = _files(landing, name)
    _update(landing, tmp_path, name, files)
    lines = files[1].read_bytes().splitlines(keepends=True)
    files[1].write_bytes(b"".join(lines[:-1]))  # the last capture of that day removed
    files[-1].unlink()
    staged = _update(landing, tmp_path, name, [files[0], *files[1:-1]])
    assert staged.update.kept and not staged.update.full
    _assert_equals_a_rebuild(landing, tmp_path, name, staged)


def test_a_forced_file_rewrites_its_dates_though_its_content_is_the_same(
    landing: Path, tmp_path: Path
) -> None:
    name = "facebook__posts"
    files = _files(landing, name)
    first = _update(landing, tmp_path, name, files)
    rel = files[2].relative_to(landing).as_posix()
    staged = _update(landing, tmp_path, name, files, forced={rel})
    assert staged.update.rewritten_dates == set(first.manifest.files[rel][1])
    _assert_equals_a_rebuild(landing, tmp_path, name, staged)


def test_files_parsed_by_a_run_that_died_before_writing_the_lake_are_not_lost(
    landing: Path, tmp_path: Path
) -> None:
    """The parse cache already holds the new file, the lake does not: the manifest, not the cache,
    says what the lake was built from, so its dates are rewritten."""
    name = "facebook__posts"
    dataset = BY_NAME[name]
    files = _files(landing, name)
    _update(landing, tmp_path, name, files[:-1])
    cached_parses(dataset, files, landing, tmp_path / "cache")  # parsed and cached, never written
    staged = _update(landing, tmp_path, name, files)
    assert staged.update.rewritten_dates
    _assert_equals_a_rebuild(landing, tmp_path, name, staged)


@pytest.mark.parametrize("damage", ["manifest", "no manifest", "partition", "partition file"])
def test_a_damaged_manifest_or_a_missing_partition_rebuilds_everything(
    landing: Path, tmp_path: Path, damage: str
) -> None:
    name = "facebook__posts"
    files = _files(landing, name)
    _update(landing, tmp_path, name, files[:-1])
    target = tmp_path / "lake" / "facebook" / "posts"
    if damage == "manifest":
        Manifest.path(target).write_text("{not json")
    elif damage == "no manifest":  # a run killed between removing the old manifest and writing the new
        Manifest.path(target).unlink()
    elif damage == "partition":
        shutil.rmtree(next(target.glob("fetch_date=*")))
    else:
        next(target.glob("fetch_date=*/*.parquet")).unlink()
    staged = _update(landing, tmp_path, name, files)
    assert staged.update.full and not staged.update.kept
    _assert_equals_a_rebuild(landing, tmp_path, name, staged)


def test_a_dataset_whose_files_all_go_leaves_an_empty_dataset_with_its_schema(
    landing: Path, tmp_path: Path
) -> None:
    name = "facebook__posts"
    files = _files(landing, name)
    _update(landing, tmp_path, name, files)
    staged = _update(landing, tmp_path, name, [])
    target = tmp_path / "lake" / "facebook" / "posts"
    assert [p.name for p in target.glob("**/*.parquet")] == ["_empty.parquet"]
    assert pl.read_parquet(target / "_empty.parquet").schema == BY_NAME[name].schema
    assert staged.stats.rows_loaded == 0 and staged.manifest.partitions == {}


def test_a_removed_export_rewrites_the_date_it_shares_with_one_that_stays(
    landing: Path, tmp_path: Path
) -> None:
    name = "listening__mentions"
    files = _files(landing, name)
    _update(landing, tmp_path, name, files)
    shared = [f for f in files if f.name.startswith(files[0].name.split("_", 1)[0])]
    assert len(shared) == 2  # two tools' exports of the same fetch time
    shared[1].unlink()
    staged = _update(landing, tmp_path, name, [f for f in files if f != shared[1]])
    assert staged.update.rewritten_dates
    _assert_equals_a_rebuild(landing, tmp_path, name, staged)


def test_a_file_spanning_two_dates_gives_only_the_rewritten_date_its_rows(
    landing: Path, tmp_path: Path
) -> None:
    """A capture landed again in the previous day's file (the generator's `duplicate_next_file`): that
    file holds rows of two dates, and a change to the later day rewrites only the later date."""
    name = "facebook__posts"
    files = _files(landing, name)
    later_first_line = files[2].read_bytes().splitlines(keepends=True)[0]
    with files[1].open("ab") as handle:
        handle.write(later_first_line)
    first = _update(landing, tmp_path, name, files)
    assert len(first.manifest.files[files[1].relative_to(landing).as_posix()][1]) == 2
    lines = files[2].read_bytes().splitlines(keepends=True)
    files[2].write_bytes(b"".join(lines[:-1]))
    staged = _update(landing, tmp_path, name, files)
    assert staged.update.rewritten_dates == set(
        first.manifest.files[files[2].relative_to(landing).as_posix()][1]
    )
    _assert_equals_a_rebuild(landing, tmp_path, name, staged)


@pytest.mark.parametrize("chunk_rows", [1, 100, lake_update.CHUNK_ROWS])
def test_a_build_within_memory_bounds_equals_a_rebuild(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int
) -> None:
    """No parsed rows held in memory (budget 0: each file's rows come back from the cache), and dates
    de-duplicated one at a time (1), two by two (100 rows; the two-date file straddles two runs), or all at once: the same dataset."""
    monkeypatch.setattr(parse_cache, "HELD_ROWS_BYTES", 0)
    monkeypatch.setattr(lake_update, "CHUNK_ROWS", chunk_rows)
    name = "facebook__posts"
    files = _files(landing, name)
    later_first_line = files[2].read_bytes().splitlines(keepends=True)[0]
    with files[1].open("ab") as handle:  # a file holding rows of two dates, as in the test above
        handle.write(later_first_line)
    staged = _update(landing, tmp_path, name, files)
    assert staged.update.full and len(staged.written) == len(files)
    _assert_equals_a_rebuild(landing, tmp_path, name, staged)


def test_a_staged_update_never_published_leaves_the_lake_as_it_was(landing: Path, tmp_path: Path) -> None:
    name = "facebook__posts"
    dataset = BY_NAME[name]
    files = _files(landing, name)
    _update(landing, tmp_path, name, files[:-1])
    target = tmp_path / "lake" / dataset.platform / dataset.entity
    before = _lake_rows(target)
    manifest = Manifest.path(target).read_text()
    parses, _ = cached_parses(dataset, files, landing, tmp_path / "cache")
    update = plan_update(dataset, parses, Manifest.read(target))
    with pytest.raises(RuntimeError, match="validation failed"), stage_lake_update(update, target) as staged:
        assert staged.rewritten_rows().collect().height == sum(staged.written.values()) > 0
        raise RuntimeError("validation failed")
    assert_frame_equal(_lake_rows(target), before)
    assert Manifest.path(target).read_text() == manifest
    assert sorted(p.name for p in target.parent.iterdir()) == ["posts", "posts.manifest.json"]
