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
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipelines.ingest.lake_update import PARTITION_FILE, PARTITION_PREFIX, LakeUpdate, Manifest
from pipelines.ingest.parse import iter_partitions
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


def apply_lake_update(update: LakeUpdate, target: Path) -> list[Path]:
    """Write the update's rewritten partitions, carry the kept ones over (hard links, so no bytes are
    copied; a copy where the file system has none), swap the folder in whole, then write its manifest
    (the old one goes first: a run killed in between leaves none, and the next run rebuilds all)."""

    def fill(staging: Path) -> list[Path]:
        written = _write_partitions(update.rewritten, staging)
        for fetch_date in sorted(update.kept):
            folder = f"{PARTITION_PREFIX}{fetch_date}"
            (staging / folder).mkdir()
            for source in sorted((target / folder).glob("*.parquet")):
                _link_or_copy(source, staging / folder / source.name)
        if not update.manifest.partitions:
            path = staging / EMPTY_FILE
            update.dataset.schema.to_frame().write_parquet(path, compression="zstd")
            written.append(path)
        return written

    manifest = Manifest.path(target)
    manifest.unlink(missing_ok=True)
    written = _swap_in(target, fill)
    for leftover in manifest.parent.glob(f".{manifest.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    tmp = manifest.with_name(f".{manifest.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with disk_full_is_fatal(target):
            tmp.write_text(update.manifest.to_json())
            os.replace(tmp, manifest)
    finally:
        tmp.unlink(missing_ok=True)
    return written


def _write_partitions(frame: pl.DataFrame, staging: Path) -> list[Path]:
    written = []
    for fetch_date, part in iter_partitions(frame):
        folder = staging / f"{PARTITION_PREFIX}{fetch_date}"
        folder.mkdir()
        path = folder / PARTITION_FILE
        part.write_parquet(path, compression="zstd", statistics=True)
        written.append(path)
    return written


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap_in(target: Path, fill: Callable[[Path], list[Path]]) -> list[Path]:
    """`fill` a sibling staging folder, then rename it over `target`; returns the files `fill` wrote."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    token = uuid.uuid4().hex[:12]
    staging = target.with_name(f".{target.name}.new-{token}")
    retired = target.with_name(f".{target.name}.old-{token}")
    try:
        with disk_full_is_fatal(target):
            staging.mkdir()
            written = fill(staging)
        if target.exists():
            os.replace(target, retired)
            pause_point("ingest")  # test hook (no-op unless set): the dataset is briefly absent here
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return [target / p.relative_to(staging) for p in written]
