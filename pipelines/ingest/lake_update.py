"""Which fetch-date partitions of a lake dataset a run must rewrite, and their rows.

A lake row's partition is its `fetch_date`, the date of its `fetched_at`, and duplicates collapse on
key + `fetched_at`: so a partition's rows depend only on the landing files holding rows of that date.
A partition none of whose files changed since the lake was last written is carried over as it is; the
others are rebuilt from their files' parses (the parse cache holds them). The result equals rebuilding
the whole dataset (tests/unit/test_lake_update.py), at the cost of the changed dates only.

What the lake was built from is its manifest: landing file → parse-cache key and fetch dates, and rows
per partition. It sits beside the dataset folder (`<entity>.manifest.json`: a file inside would break
`pl.read_parquet(<dataset folder>)` for anyone reading the lake), is removed before the folder is
swapped and written after, so a manifest on disk always describes the folder beside it. Without a
readable manifest, or with a partition it names missing on disk (its folder or file), the whole dataset is rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.ingest.parse import QUARANTINE_SCHEMA, IngestStats, collapse_duplicates, iter_partitions
from pipelines.ingest.parse_cache import CachedParse
from pipelines.schemas import Dataset

_FORMAT = 1
PARTITION_PREFIX = "fetch_date="
PARTITION_FILE = "part-0.parquet"  # the one file of each partition folder (ingest/lake.py writes it)
CHUNK_ROWS = 200_000  # rows de-duplicated together when partitions are built (LakeUpdate.partitions)


@dataclass(frozen=True)
class Manifest:
    """What a lake dataset was built from: landing path → (parse key, fetch dates); rows per date."""

    files: dict[str, tuple[str | None, tuple[str, ...]]] = field(default_factory=dict)
    partitions: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "files": {
                    rel: {"key": key, "dates": list(dates)} for rel, (key, dates) in self.files.items()
                },
                "partitions": self.partitions,
            },
            sort_keys=True,
        )

    @staticmethod
    def path(dataset_dir: Path) -> Path:
        return dataset_dir.with_name(f"{dataset_dir.name}.manifest.json")

    @classmethod
    def read(cls, dataset_dir: Path) -> Manifest | None:
        """The dataset's manifest, or None when absent, unreadable or naming a partition not on disk."""
        try:
            raw: dict[str, Any] = json.loads(cls.path(dataset_dir).read_text())
            if raw.get("format") != _FORMAT:
                return None
            manifest = cls(
                files={rel: (f["key"], tuple(f["dates"])) for rel, f in raw["files"].items()},
                partitions={str(d): int(n) for d, n in raw["partitions"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if not all(
            (dataset_dir / f"{PARTITION_PREFIX}{d}" / PARTITION_FILE).is_file() for d in manifest.partitions
        ):
            return None
        return manifest


@dataclass
class LakeUpdate:
    """A dataset's next content, planned: the dates to rewrite (their rows are built one date at a time
    by `partitions()`, so a dataset never sits in memory whole), the partitions kept, the accounting
    known before any row is read."""

    dataset: Dataset
    rewritten_dates: frozenset[str]
    kept: dict[str, int]  # fetch date → rows, partitions carried over from the current lake unchanged
    quarantine: pl.DataFrame
    stats: IngestStats  # files, lines, records, quarantine and bytes; rows in `outcome()`
    files: dict[str, tuple[str | None, tuple[str, ...]]]  # the manifest's files
    full: bool  # True: every partition rebuilt (no usable manifest)
    sources: list[CachedParse] = field(default_factory=list)  # the parses holding rewritten dates
    row_count: int = 0  # rows of every file's parse, before de-duplication across files

    def partitions(self) -> Iterator[tuple[str, pl.DataFrame]]:
        """The de-duplicated rows of each rewritten date, in date order. A date's rows come only from
        the files holding that date (duplicates collapse on key + `fetched_at`, so never across dates);
        consecutive dates are combined up to about CHUNK_ROWS rows, so that small dates do not each pay
        a sort and a memory-bounded build does not hold more than a chunk."""
        for chunk in self._date_chunks():
            days = [date.fromisoformat(d) for d in chunk]
            frames = []
            for parse in self.sources:
                if not chunk.intersection(parse.dates):
                    continue
                rows = parse.rows()
                frames.append(
                    rows if chunk.issuperset(parse.dates) else rows.filter(pl.col("fetch_date").is_in(days))
                )
            combined = pl.concat(frames, rechunk=True) if len(frames) > 1 else frames[0]
            yield from iter_partitions(collapse_duplicates(combined, self.dataset))

    def _date_chunks(self) -> Iterator[set[str]]:
        """The rewritten dates in order, cut into runs holding about CHUNK_ROWS rows (by each file's
        rows spread evenly over its dates: an estimate, only to bound memory)."""
        per_date: dict[str, float] = {}
        for parse in self.sources:
            for d in parse.dates:
                per_date[d] = per_date.get(d, 0) + parse.row_count / len(parse.dates)
        chunk: set[str] = set()
        rows = 0.0
        for d in sorted(self.rewritten_dates):
            if chunk and rows + per_date.get(d, 0) > CHUNK_ROWS:
                yield chunk
                chunk, rows = set(), 0.0
            chunk.add(d)
            rows += per_date.get(d, 0)
        if chunk:
            yield chunk

    def outcome(self, written: Mapping[str, int]) -> tuple[IngestStats, Manifest]:
        """The whole dataset's accounting and manifest, once `written` (date → rows) is known."""
        stats = replace(self.stats)
        stats.rows_loaded = sum(written.values()) + self.kept_rows
        stats.duplicates_collapsed = self.row_count - stats.rows_loaded
        partitions = {**self.kept, **written}
        return stats, Manifest(files=self.files, partitions=dict(sorted(partitions.items())))

    @property
    def kept_rows(self) -> int:
        return sum(self.kept.values())


def plan_update(
    dataset: Dataset,
    parses: Sequence[tuple[str, CachedParse]],
    previous: Manifest | None,
    *,
    forced: Collection[str] = (),
) -> LakeUpdate:
    """The update of one dataset from its landing files' parses (rel path, parse; in landing order).

    Dirty dates: every date of a file that is new, changed (another parse key) or `forced`, and every
    date a removed or changed file held before. Everything else is kept."""
    current_dates = {d for _, parse in parses for d in parse.dates}
    dirty = _dirty_dates(parses, previous, forced)
    full = previous is None or not (current_dates - dirty) <= previous.partitions.keys()
    if full:
        dirty = current_dates
    kept = {} if full or previous is None else {d: previous.partitions[d] for d in current_dates - dirty}

    rejected = [parse.quarantine for _, parse in parses if parse.quarantine.height]
    return LakeUpdate(
        dataset=dataset,
        rewritten_dates=frozenset(dirty & current_dates),
        kept=kept,
        quarantine=pl.concat(rejected) if rejected else QUARANTINE_SCHEMA.to_frame(),
        stats=IngestStats.of_files(parse.stats for _, parse in parses),
        files={rel: (parse.key, parse.dates) for rel, parse in parses},
        full=full,
        sources=[parse for _, parse in parses if dirty.intersection(parse.dates)],
        row_count=sum(parse.row_count for _, parse in parses),
    )


def _dirty_dates(
    parses: Sequence[tuple[str, CachedParse]], previous: Manifest | None, forced: Collection[str]
) -> set[str]:
    before = previous.files if previous else {}
    dirty: set[str] = set()
    for rel, parse in parses:
        key, dates = before.get(rel, (None, ()))
        if parse.key is None or key != parse.key or rel in forced:
            dirty.update(parse.dates)
            dirty.update(dates)
    now = {rel for rel, _ in parses}
    for rel, (_, dates) in before.items():
        if rel not in now:
            dirty.update(dates)
    return dirty
