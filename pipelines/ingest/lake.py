"""Write lake datasets and quarantine files so that a reader never sees a half-written one.

A dataset is written completely into a sibling temp folder, then swapped in by rename. The
dataset folder always holds at least one Parquet file carrying the full schema (possibly with no
rows), so dbt sources can always read it.

Temp names start with "." and sit beside, never inside, the dataset folder, so the dataset globs
dbt reads (`<platform>/<entity>/**/*.parquet`) never see them. A run killed mid-write leaves them
behind; the next write of the same dataset removes them first.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest.lake_update import PARTITION_FILE, PARTITION_PREFIX, LakeUpdate, Manifest
from pipelines.ingest.parse import IngestResult, IngestStats, iter_partitions
from pipelines.runtime.disk import disk_full_is_fatal
from pipelines.runtime.pause import pause_point

EMPTY_FILE = "_empty.parquet"


def write_parquet_atomic(frame: pl.DataFrame, target: Path) -> None:
    """One Parquet file, written under a temp name and renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with disk_full_is_fatal(target):
            frame.write_parquet(tmp, compression="zstd", statistics=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def remove_leftovers(target: Path) -> None:
    """Temp folders of an earlier write of `target` that was killed before it could clean up."""
    for pattern in (f".{target.name}.new-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def replace_dataset_dir(frame: pl.DataFrame, target: Path, *, partition: bool = True) -> list[Path]:
    """Write `frame` as the whole content of `target` (Hive folders by fetch_date), then swap it in."""

    def fill(staging: Path) -> list[Path]:
        if frame.height == 0 or not partition:
            path = staging / (EMPTY_FILE if frame.height == 0 else "part-0.parquet")
            frame.write_parquet(path, compression="zstd")
            return [path]
        return _write_partitions(frame, staging)

    return _swap_in(target, fill)


@dataclass
class StagedUpdate:
    """A lake update written beside its dataset folder, not yet visible: what the raw suite validates
    before `publish()` swaps it in."""

    update: LakeUpdate
    target: Path
    staging: Path
    written: dict[str, int]  # rewritten fetch date → rows
    stats: IngestStats
    manifest: Manifest

    @property
    def quarantine(self) -> pl.DataFrame:
        return self.update.quarantine

    def rewritten_rows(self) -> pl.LazyFrame:
        """The rewritten partitions' rows, read lazily from the staging folder (in date order)."""
        files = [self.staging / f"{PARTITION_PREFIX}{d}" / PARTITION_FILE for d in sorted(self.written)]
        if not files:
            return self.update.dataset.schema.to_frame().lazy()
        return pl.scan_parquet(files, hive_partitioning=False)

    def result(self) -> IngestResult:
        """The rewritten rows (lazily, see `rewritten_rows`) with the whole dataset's accounting."""
        return IngestResult(self.update.dataset, self.rewritten_rows(), self.quarantine, self.stats)

    def publish(self) -> None:
        """Swap the staged folder in, then write its manifest (the old one goes first: a run killed in
        between leaves none, and the next run rebuilds the dataset)."""
        manifest = Manifest.path(self.target)
        manifest.unlink(missing_ok=True)
        _replace_folder(self.target, self.staging)
        for leftover in manifest.parent.glob(f".{manifest.name}.*.tmp"):
            leftover.unlink(missing_ok=True)
        tmp = manifest.with_name(f".{manifest.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with disk_full_is_fatal(self.target):
                tmp.write_text(self.manifest.to_json())
                os.replace(tmp, manifest)
        finally:
            tmp.unlink(missing_ok=True)


@contextmanager
def stage_lake_update(update: LakeUpdate, target: Path) -> Iterator[StagedUpdate]:
    """Write the update's rewritten partitions a run of dates at a time (`LakeUpdate.partitions`: memory
    holds those dates' rows, not the dataset) and carry the kept ones over (hard links, so no bytes are copied; a copy where
    the file system has none) into a staging folder beside `target`. The staging folder is removed on
    leaving unless `publish()` swapped it in."""
    with _staging(target) as staging:
        with disk_full_is_fatal(target):
            written = {}
            for fetch_date, rows in update.partitions():
                if rows.height:
                    _write_partition(rows, staging, fetch_date)
                    written[fetch_date] = rows.height
                del rows
            for fetch_date in sorted(update.kept):
                folder = f"{PARTITION_PREFIX}{fetch_date}"
                (staging / folder).mkdir()
                for source in sorted((target / folder).glob("*.parquet")):
                    _link_or_copy(source, staging / folder / source.name)
            if not written and not update.kept:
                update.dataset.schema.to_frame().write_parquet(staging / EMPTY_FILE, compression="zstd")
        stats, manifest = update.outcome(written)
        yield StagedUpdate(update, target, staging, written, stats, manifest)


def apply_lake_update(update: LakeUpdate, target: Path) -> StagedUpdate:
    """Stage the update and publish it at once (no validation in between). The staged rows are gone
    afterwards; its counts, accounting and manifest remain."""
    with stage_lake_update(update, target) as staged:
        staged.publish()
    return staged


def _write_partitions(frame: pl.DataFrame, staging: Path) -> list[Path]:
    return [_write_partition(part, staging, fetch_date) for fetch_date, part in iter_partitions(frame)]


def _write_partition(rows: pl.DataFrame, staging: Path, fetch_date: str) -> Path:
    folder = staging / f"{PARTITION_PREFIX}{fetch_date}"
    folder.mkdir()
    path = folder / PARTITION_FILE
    rows.write_parquet(path, compression="zstd", statistics=True)
    return path


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A fresh sibling folder to fill with `target`'s next content; removed on leaving unless it was
    swapped in (`_replace_folder`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    staging = target.with_name(f".{target.name}.new-{uuid.uuid4().hex[:12]}")
    try:
        with disk_full_is_fatal(target):
            staging.mkdir()
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_folder(target: Path, staging: Path) -> None:
    """Rename `staging` over `target` (the old folder is renamed aside first, then removed)."""
    retired = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    try:
        if target.exists():
            os.replace(target, retired)
            pause_point("ingest")  # test hook (no-op unless set): the dataset is briefly absent here
        os.replace(staging, target)
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def _swap_in(target: Path, fill: Callable[[Path], list[Path]]) -> list[Path]:
    """`fill` a sibling staging folder, then rename it over `target`; returns the files `fill` wrote."""
    with _staging(target) as staging:
        with disk_full_is_fatal(target):
            written = fill(staging)
        _replace_folder(target, staging)
    return [target / p.relative_to(staging) for p in written]
