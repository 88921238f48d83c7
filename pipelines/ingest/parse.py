"""Landing files → one typed lake dataset, with every rejected line or record quarantined.

Accounting unit is the *record*: one element of a response (a post in a posts page, a CSV row,
a message of an export). A capture that is unusable as a whole (bad JSON, no `fetched_at`, an
API error body, a wrong shape) is one quarantined record. So for every dataset:

    records_read = rows_loaded + records_quarantined + duplicates_collapsed

where duplicates are the same record captured at the same `fetched_at` more than once (a line
landed twice, the same file under two names).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from pipelines.ingest import columnar
from pipelines.ingest.brands import load_brands
from pipelines.ingest.columnar_specs import FAST_SPECS
from pipelines.parsers import needs_owner_timezones, parse_capture
from pipelines.parsers.base import Capture, Rejected, to_str, to_ts
from pipelines.schemas import Dataset

QUARANTINE_SCHEMA = pl.Schema(
    {
        "platform": pl.String,
        "entity": pl.String,
        "source_file": pl.String,
        "line": pl.Int64,
        "reason": pl.String,
    }
)
_EXPORT_TIME = re.compile(r"^(\d{8}T\d{6}Z)_")
_MAX_REASON = 300
# Parsed rows wait as Python dicts (≈2 KB each) only until this many have gathered, then become one
# columnar chunk (≈20× smaller): ingest memory stays bounded by the dataset's Parquet-like size.
_CHUNK_ROWS = 50_000
# The columnar path holds this many decoded lines (API pages) at a time.
_COLUMNAR_BATCH_LINES = 500
# Below this size a file is read by the parsers alone: the columnar path's fixed cost (≈5 ms of
# polars set-up per batch) is more than what it saves on a few pages.
COLUMNAR_MIN_BYTES = 128 * 1024


@dataclass
class IngestStats:
    files_read: int = 0
    lines_read: int = 0
    records_read: int = 0
    rows_loaded: int = 0
    records_quarantined: int = 0
    duplicates_collapsed: int = 0
    bytes_read: int = 0

    @property
    def reconciles(self) -> bool:
        return self.records_read == self.rows_loaded + self.records_quarantined + self.duplicates_collapsed

    def as_dict(self) -> dict[str, int | bool]:
        return {**asdict(self), "reconciles": self.reconciles}

    @classmethod
    def of_files(cls, files: Iterable[IngestStats]) -> IngestStats:
        """Files' counts summed; rows loaded and duplicates are the dataset's, set once de-duplicated."""
        total = cls()
        for stats in files:
            for name in ("files_read", "lines_read", "records_read", "records_quarantined", "bytes_read"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
        return total


@dataclass
class IngestResult:
    dataset: Dataset
    rows: pl.DataFrame | pl.LazyFrame  # lazy: a staged lake update's rows, read from its files
    quarantine: pl.DataFrame
    stats: IngestStats = field(default_factory=IngestStats)


class _Collector:
    def __init__(self, dataset: Dataset, landing: Path, owner_timezones: Mapping[str, str] | None = None):
        self.dataset = dataset
        self.landing = landing
        self.owner_timezones = owner_timezones
        self.rows: list[dict[str, Any]] = []
        self.chunks: list[pl.DataFrame] = []
        self.fast_rows: list[pl.DataFrame] = []  # rows the columnar path took (see columnar.py)
        self.rejects: list[dict[str, Any]] = []
        self.stats = IngestStats()

    def reject(self, rel: str, line: int | None, reason: str) -> None:
        self.stats.records_read += 1
        self.rejects.append(
            {
                "platform": self.dataset.platform,
                "entity": self.dataset.entity,
                "source_file": rel,
                "line": line,
                "reason": reason[:_MAX_REASON],
            }
        )

    def take(self, rel: str, line: int, capture: Capture) -> None:
        if self.owner_timezones:
            capture = dataclasses.replace(capture, owner_timezones=self.owner_timezones)
        try:
            rows, reasons = parse_capture(self.dataset, capture)
        except Rejected as exc:
            self.reject(rel, line, str(exc))
            return
        self.stats.records_read += len(rows)
        for reason in reasons:
            self.reject(rel, line, reason)
        capture_columns = {
            "fetched_at": capture.fetched_at,
            "fetch_date": capture.fetched_at.date(),
            "capture_account_id": capture.account_id,
            "capture_object_id": capture.object_id,
            "source_file": rel,
            "source_line": line,
        }
        for row in rows:
            row.update(capture_columns)
            self.rows.append(row)
        if len(self.rows) >= _CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.chunks.append(pl.DataFrame(self.rows, schema=self.dataset.schema, orient="row"))
            self.rows = []

    def frame(self) -> pl.DataFrame:
        """Every parsed row, in landing order, typed by the dataset's schema."""
        self._flush()
        frames = [f for f in [*self.fast_rows, *self.chunks] if f.height]
        if not frames:
            return self.dataset.schema.to_frame()
        if len(frames) == 1:
            return frames[0]
        merged = pl.concat(frames, rechunk=True)
        # Fast and reference rows interleave by line; within a line, records keep their order.
        return merged.sort("source_line", maintain_order=True) if self.fast_rows else merged


def export_fetched_at(path: Path) -> datetime:
    """An export's fetch time from its name prefix `YYYYMMDDTHHMMSSZ_` (the contract's rule)."""
    match = _EXPORT_TIME.match(path.name)
    if not match:
        raise Rejected(f"export file name lacks the fetch-time prefix YYYYMMDDTHHMMSSZ_ ({path.name})")
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _envelope(raw: bytes) -> Capture:
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Rejected(f"invalid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise Rejected("line is not a JSON object envelope")
    if "fetched_at" not in obj or obj["fetched_at"] in (None, ""):
        raise Rejected("envelope: missing fetched_at")
    fetched_at = to_ts(obj["fetched_at"], "envelope.fetched_at", naive_is_utc=False)
    if "response" not in obj:
        raise Rejected("envelope: missing response")
    return Capture(
        fetched_at=fetched_at,  # type: ignore[arg-type]
        account_id=to_str(obj.get("account_id"), "envelope.account_id"),
        object_id=to_str(obj.get("object_id"), "envelope.object_id"),
        endpoint=obj.get("endpoint") if isinstance(obj.get("endpoint"), str) else None,
        response=obj["response"],
        params=obj["params"] if isinstance(obj.get("params"), dict) else {},
    )


def _read_jsonl(path: Path, rel: str, out: _Collector) -> None:
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue  # blank lines (a trailing newline) carry no record
            out.stats.lines_read += 1
            _parse_line(raw, rel, line_no, out)


def _parse_line(raw: bytes, rel: str, line_no: int, out: _Collector) -> None:
    """One capture line through the parsers: its rows, or its rejection with the reason."""
    try:
        capture = _envelope(raw)
    except Rejected as exc:
        out.reject(rel, line_no, str(exc))
        return
    out.take(rel, line_no, capture)


def _read_jsonl_columnar(spec: columnar.FastSpec, path: Path, rel: str, out: _Collector) -> None:
    """The columnar path for the lines it is sure of, the parser for every other line (in line order)."""
    with path.open("rb") as handle:
        batch: list[tuple[int, bytes, bool]] = []  # (line, raw, taken by the columnar path)
        gatherer = columnar.Gatherer(out.dataset, spec)
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue  # blank lines (a trailing newline) carry no record
            out.stats.lines_read += 1
            try:
                taken = gatherer.add(line_no, _envelope(raw))
            except Rejected:
                taken = False
            batch.append((line_no, raw, taken))
            if len(batch) == _COLUMNAR_BATCH_LINES:
                _finish_batch(gatherer, batch, rel, out)
                batch, gatherer = [], columnar.Gatherer(out.dataset, spec)
        _finish_batch(gatherer, batch, rel, out)


def _finish_batch(
    gatherer: columnar.Gatherer, batch: list[tuple[int, bytes, bool]], rel: str, out: _Collector
) -> None:
    """Rows of the lines the columnar path kept; every other line read again by the parser, in order."""
    rows, failed = gatherer.rows(rel)
    out.stats.records_read += rows.height
    out.fast_rows.append(rows)
    failed_lines = set(failed)
    for line_no, raw, taken in batch:
        if not (taken and line_no not in failed_lines):
            _parse_line(raw, rel, line_no, out)


def _read_csv(path: Path, rel: str, out: _Collector) -> None:
    fetched_at = export_fetched_at(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected(f"file is not UTF-8 text (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise Rejected("CSV file has no header row")
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.stats.lines_read += 1
            out.reject(rel, reader.line_num, f"unreadable CSV row: {exc}")
            continue
        out.stats.lines_read += 1
        if None in record:
            out.reject(
                rel,
                reader.line_num,
                f"row has {len(record[None]) + len(reader.fieldnames)} fields, "
                f"header has {len(reader.fieldnames)}",
            )
            continue
        out.take(rel, reader.line_num, Capture(fetched_at, None, None, None, record))


def _read_json_document(path: Path, rel: str, out: _Collector) -> None:
    fetched_at = export_fetched_at(path)
    out.stats.lines_read += 1
    try:
        document = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise Rejected(f"invalid JSON document: {exc}") from None
    out.take(rel, 1, Capture(fetched_at, None, None, None, document))


_READERS = {"jsonl": _read_jsonl, "csv": _read_csv, "json": _read_json_document}


@dataclass
class FileParse:
    """One landing file parsed: its rows (before de-duplication across files), quarantine and counts.

    The unit the parse cache keeps between runs (see parse_cache.py)."""

    rows: pl.DataFrame
    quarantine: pl.DataFrame
    stats: IngestStats


def owner_timezones(dataset: Dataset, brands_file: Path | None) -> dict[str, str]:
    """Account id → time zone of the brand owning it, for a dataset whose parser reads local times
    (legacy Telegram exports); {} for every other dataset, whose parse never depends on brands.yml."""
    if brands_file is None or not needs_owner_timezones(dataset):
        return {}
    brands = load_brands(brands_file).brands
    return {b.accounts[dataset.platform]: b.timezone for b in brands if dataset.platform in b.accounts}


def parse_file(
    dataset: Dataset,
    path: Path,
    landing: Path,
    owner_timezones: Mapping[str, str] | None = None,
    *,
    columnar_path: bool = True,
) -> FileParse:
    """Parse one landing file of `dataset`; a file-level problem becomes one quarantined record.

    `owner_timezones` (see `owner_timezones()`) reach the parser in every capture of the file.
    `columnar_path`: use the dataset's fast path when it has one (False: the parsers alone, the
    reference the differential test compares against)."""
    out = _Collector(dataset, landing, owner_timezones)
    rel = path.relative_to(landing).as_posix() if path.is_relative_to(landing) else str(path)
    out.stats.files_read = 1
    spec = FAST_SPECS.get(dataset.name) if columnar_path and not owner_timezones else None
    try:
        out.stats.bytes_read = path.stat().st_size
        if spec is not None and dataset.file_kind == "jsonl" and out.stats.bytes_read >= COLUMNAR_MIN_BYTES:
            _read_jsonl_columnar(spec, path, rel, out)
        else:
            _READERS[dataset.file_kind](path, rel, out)
    except Rejected as exc:
        out.reject(rel, None, str(exc))
    except OSError as exc:
        out.reject(rel, None, f"cannot read file: {exc.strerror or exc}")
    out.stats.records_quarantined = len(out.rejects)
    quarantine = (
        pl.DataFrame(out.rejects, schema=QUARANTINE_SCHEMA) if out.rejects else QUARANTINE_SCHEMA.to_frame()
    )
    return FileParse(rows=out.frame(), quarantine=quarantine, stats=out.stats)


def combine(dataset: Dataset, parses: list[FileParse]) -> IngestResult:
    """The dataset from its files' parses (in landing order): rows de-duplicated, counts summed."""
    stats = IngestStats.of_files(parse.stats for parse in parses)
    frames = [p.rows for p in parses if p.rows.height]
    frame = pl.concat(frames, rechunk=True) if frames else dataset.schema.to_frame()
    deduped = collapse_duplicates(frame, dataset)
    stats.duplicates_collapsed = frame.height - deduped.height
    stats.rows_loaded = deduped.height
    rejected = [p.quarantine for p in parses if p.quarantine.height]
    quarantine = pl.concat(rejected) if rejected else QUARANTINE_SCHEMA.to_frame()
    return IngestResult(dataset=dataset, rows=deduped, quarantine=quarantine, stats=stats)


def ingest_files(
    dataset: Dataset,
    files: list[Path],
    landing: Path,
    owner_timezones: Mapping[str, str] | None = None,
    *,
    columnar_path: bool = True,
) -> IngestResult:
    """Parse every landing file of one dataset; dedupe; return rows, quarantine and the accounting."""
    parses = [parse_file(dataset, p, landing, owner_timezones, columnar_path=columnar_path) for p in files]
    return combine(dataset, parses)


def collapse_duplicates(frame: pl.DataFrame, dataset: Dataset) -> pl.DataFrame:
    """One row per record per fetch time: the first landed copy (by file, line) is kept."""
    return frame.sort(["fetched_at", "source_file", "source_line"], nulls_last=True).unique(
        subset=[*dataset.key, "fetched_at"], keep="first", maintain_order=True
    )


def iter_partitions(frame: pl.DataFrame) -> Iterator[tuple[str, pl.DataFrame]]:
    """Rows grouped by fetch date, for Hive-style `fetch_date=YYYY-MM-DD/` folders."""
    for (fetch_date,), part in frame.group_by("fetch_date", maintain_order=True):
        yield str(fetch_date), part
