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
from pathlib import Path

import polars as pl

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
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    token = uuid.uuid4().hex[:12]
    staging = target.with_name(f".{target.name}.new-{token}")
    retired = target.with_name(f".{target.name}.old-{token}")
    written: list[Path] = []
    try:
        with disk_full_is_fatal(target):
            staging.mkdir()
            if frame.height == 0 or not partition:
                path = staging / (EMPTY_FILE if frame.height == 0 else "part-0.parquet")
                frame.write_parquet(path, compression="zstd")
                written.append(path)
            else:
                for fetch_date, part in iter_partitions(frame):
                    folder = staging / f"fetch_date={fetch_date}"
                    folder.mkdir()
                    path = folder / "part-0.parquet"
                    part.write_parquet(path, compression="zstd", statistics=True)
                    written.append(path)
        if target.exists():
            os.replace(target, retired)
            pause_point("ingest")  # test hook (no-op unless set): the dataset is briefly absent here
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return [target / p.relative_to(staging) for p in written]
