"""Write lake datasets and quarantine files so that a reader never sees a half-written one.

A dataset is written completely into a sibling temp folder, then swapped in by rename. The
dataset folder always holds at least one Parquet file carrying the full schema (possibly with no
rows), so dbt sources can always read it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import polars as pl

from pipelines.lib.ingest import iter_partitions

EMPTY_FILE = "_empty.parquet"


def write_parquet_atomic(frame: pl.DataFrame, target: Path) -> None:
    """One Parquet file, written under a temp name and renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        frame.write_parquet(tmp, compression="zstd", statistics=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def replace_dataset_dir(frame: pl.DataFrame, target: Path, *, partition: bool = True) -> list[Path]:
    """Write `frame` as the whole content of `target` (Hive folders by fetch_date), then swap it in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    staging = target.with_name(f".{target.name}.new-{token}")
    retired = target.with_name(f".{target.name}.old-{token}")
    staging.mkdir()
    written: list[Path] = []
    try:
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
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return [target / p.relative_to(staging) for p in written]
