"""Parsed landing files kept between runs, so a run parses only the files that are new or changed.

One entry per landing file of a dataset: its rows before de-duplication across files (Parquet),
its quarantined records and counts (JSON). An entry is found by a key over the file's content
(sha256), its path relative to the landing dir (rows carry `source_file`) and the *code version*:
a digest of the parser, schema and ingest source. Changing a parser therefore re-parses
everything on the next run, with no version number to forget to bump.

Hashing reads the whole file, so (size, mtime_ns) is a pre-check, as for the landing sensor: a
file whose size and mtime match the last run reuses its previous hash without being read.

Layout: `$SMM_DATA_DIR/cache/parsed/<platform>/<entity>/` holds `<key>.parquet` (absent when the
file yielded no rows), `<key>.json` (written last: an entry without it is incomplete and ignored)
and `index.json` (relative path → fingerprint). Entries no file uses any more are removed after
each ingest, so the cache holds one entry per landing file and stays the size of the lake.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from functools import cache, partial
from pathlib import Path

import polars as pl

from pipelines.ingest.parse import (
    QUARANTINE_SCHEMA,
    FileParse,
    IngestResult,
    IngestStats,
    combine,
    owner_timezones,
    parse_file,
)
from pipelines.ingest.parse_workers import ParseWorkers
from pipelines.runtime.disk import disk_full_is_fatal
from pipelines.runtime.fingerprint import Fingerprint, fingerprint_file
from pipelines.runtime.inputs import code_digests
from pipelines.schemas import BY_NAME, Dataset

_INDEX = "index.json"
# Rows of freshly parsed files a dataset keeps in memory for its lake update; beyond this, a file's rows
# are read back from its cache entry when its dates are written (a first build of a large dataset then
# holds one date's rows, not every file's).
HELD_ROWS_BYTES = 256 * 2**20


@cache
def code_version() -> str:
    """The parser code's digest (runtime/inputs.py owns it): what a landing file parses into."""
    return code_digests()["parse"][:16]


@dataclass
class CacheStats:
    """What one dataset's ingest took from the cache and what it had to parse."""

    files_cached: int = 0
    files_parsed: int = 0
    entries_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def fetch_dates(rows: pl.DataFrame) -> list[str]:
    """The fetch dates (lake partitions) a file's rows fall on, as ISO dates."""
    return sorted(str(d) for d in rows["fetch_date"].unique().to_list()) if rows.height else []


@dataclass
class CachedParse:
    """One landing file's parse as the cache knows it: counts, quarantine and fetch dates at hand,
    the rows read only when asked for (an incremental lake update needs few of them)."""

    key: str | None  # None: a file that could not be fingerprinted (never cached)
    stats: IngestStats
    quarantine: pl.DataFrame
    row_count: int
    dates: tuple[str, ...]
    _rows: Callable[[], pl.DataFrame]

    @classmethod
    def of(
        cls, key: str | None, parsed: FileParse, reload: Callable[[], pl.DataFrame] | None = None
    ) -> CachedParse:
        """A fresh parse; its rows kept in memory, or given back by `reload` (its cache entry) when set."""
        rows = parsed.rows
        return cls(
            key,
            parsed.stats,
            parsed.quarantine,
            rows.height,
            tuple(fetch_dates(rows)),
            reload or (lambda: rows),
        )

    def rows(self) -> pl.DataFrame:
        return self._rows()

    def parse(self) -> FileParse:
        return FileParse(rows=self.rows(), quarantine=self.quarantine, stats=self.stats)


class ParseCache:
    """The cache of one dataset's parsed landing files."""

    def __init__(self, root: Path, dataset: Dataset, code: str | None = None):
        self.dataset = dataset
        self.code = code or code_version()
        self.folder = root / dataset.platform / dataset.entity
        self.stats = CacheStats()
        self._index = self._read_index()
        self._used: dict[str, Fingerprint] = {}
        self._held_bytes = 0

    def _read_index(self) -> dict[str, Fingerprint]:
        try:
            raw = json.loads((self.folder / _INDEX).read_text())
            return {rel: Fingerprint.decode(text) for rel, text in raw.items()}
        except (OSError, ValueError, AttributeError):
            return {}  # no or damaged index: every file is hashed again, nothing is lost

    def _key(self, rel: str, fingerprint: Fingerprint) -> str:
        text = f"{self.code}\0{rel}\0{fingerprint.sha256}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def lookup(
        self,
        path: Path,
        rel: str,
        parser: Callable[[], FileParse],
        *,
        refresh: bool = False,
        known: Fingerprint | None = None,
    ) -> tuple[str | None, CachedParse | None]:
        """The file's cache key and, when its content was parsed before (unless `refresh`), its parse
        (rows left on disk until `CachedParse.rows()` asks for them); (key, None): to be parsed.

        `known`: the fingerprint the run plan took, so the file is not hashed a second time."""
        try:
            fingerprint = known or fingerprint_file(path, self._index.get(rel))
        except OSError:
            return None, CachedParse.of(None, parser())  # unreadable or vanished: quarantined with the reason
        self._used[rel] = fingerprint
        key = self._key(rel, fingerprint)
        if not refresh and (entry := self._load(key, parser)) is not None:
            self.stats.files_cached += 1
            return key, entry
        return key, None

    def parse(self, key: str, parser: Callable[[], FileParse]) -> CachedParse:
        """Parse the file in this process and store its entry; its rows stay in memory while the
        dataset's fresh rows fit in HELD_ROWS_BYTES, else they are read back from the entry."""
        parsed = parser()
        store_entry(self.folder, key, parsed)
        self.stats.files_parsed += 1
        size = parsed.rows.estimated_size()
        if self._held_bytes + size <= HELD_ROWS_BYTES:
            self._held_bytes += size
            return CachedParse.of(key, parsed)
        return CachedParse.of(key, parsed, reload=partial(self._rows, key, parsed.rows.height, parser))

    def parse_in(
        self,
        workers: ParseWorkers,
        jobs: list[tuple[str, Path, Callable[[], FileParse]]],
        landing: Path,
        timezones: Mapping[str, str],
    ) -> list[CachedParse]:
        """Parse the files (cache key, path, parser) in the worker processes, which store their
        entries; the rows are read back from the entries when asked for (the parser, here, only if an
        entry turns out damaged)."""
        tasks = [
            (self.dataset.name, path, landing, dict(timezones), self.folder, key) for key, path, _ in jobs
        ]
        stored = workers.map(
            _parse_and_store, tasks, what=f"landing/{self.dataset.platform}/{self.dataset.entity}/"
        )
        parses = [
            CachedParse(key, stats, quarantine, row_count, dates, partial(self._rows, key, row_count, parser))
            for (key, _, parser), (stats, quarantine, row_count, dates) in zip(jobs, stored, strict=True)
        ]
        self.stats.files_parsed += len(jobs)
        return parses

    def _load(self, key: str, parser: Callable[[], FileParse]) -> CachedParse | None:
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text())
            quarantine = pl.DataFrame(meta["quarantine"], schema=QUARANTINE_SCHEMA)
            return CachedParse(
                key=key,
                stats=IngestStats(**meta["stats"]),
                quarantine=quarantine,
                row_count=int(meta["rows"]),
                dates=tuple(meta["dates"]),
                _rows=partial(self._rows, key, int(meta["rows"]), parser),
            )
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            return None  # absent, damaged or older entry: parse the file again

    def _rows(self, key: str, count: int, parser: Callable[[], FileParse]) -> pl.DataFrame:
        if not count:
            return self.dataset.schema.to_frame()
        try:
            rows = pl.read_parquet(self.folder / f"{key}.parquet")
            # Cast back to the declared schema: Parquet may spell a time zone differently ("Etc/UTC").
            rows = rows.select(self.dataset.schema.names()).cast(dict(self.dataset.schema))
        except (OSError, pl.exceptions.PolarsError):
            # A damaged entry is parsed again, not trusted, and stored again.
            parsed = parser()
            store_entry(self.folder, key, parsed)
            self.stats.files_cached -= 1
            self.stats.files_parsed += 1
            rows = parsed.rows
        if rows.height != count:
            raise RuntimeError(f"parse cache entry {self.folder / key} holds {rows.height} rows, not {count}")
        return rows

    def finish(self) -> None:
        """Record the fingerprints seen and drop entries no current landing file uses."""
        if not self.folder.exists():
            return
        keep = {self._key(rel, fp) for rel, fp in self._used.items()}
        for path in self.folder.iterdir():
            stem = path.name.split(".", 1)[0]
            if path.name != _INDEX and stem not in keep:
                path.unlink(missing_ok=True)
                self.stats.entries_removed += path.suffix == ".json"
        index = {rel: fp.encode() for rel, fp in sorted(self._used.items())}
        with disk_full_is_fatal(self.folder):
            _write_atomic(self.folder / _INDEX, lambda tmp: tmp.write_text(json.dumps(index)))


def ingest_cached(
    dataset: Dataset,
    files: list[Path],
    landing: Path,
    cache_root: Path,
    *,
    forced: Collection[str] = (),
    fingerprints: Mapping[str, Fingerprint] | None = None,
    code: str | None = None,
    brands_file: Path | None = None,
) -> tuple[IngestResult, CacheStats]:
    """The whole dataset, parsing only the files the cache lacks and those the run plan forces.

    Equal to `ingest_files(dataset, files, landing)`: the cache keeps per-file parses, and the
    de-duplication across files runs on the combined rows every time. (The ingest assets rebuild only
    the fetch dates that changed: `cached_parses` + ingest/lake_update.py.)"""
    parses, stats = cached_parses(
        dataset,
        files,
        landing,
        cache_root,
        forced=forced,
        fingerprints=fingerprints,
        code=code,
        brands_file=brands_file,
    )
    return combine(dataset, [parse.parse() for _, parse in parses]), stats


def cached_parses(
    dataset: Dataset,
    files: list[Path],
    landing: Path,
    cache_root: Path,
    *,
    forced: Collection[str] = (),
    fingerprints: Mapping[str, Fingerprint] | None = None,
    code: str | None = None,
    brands_file: Path | None = None,
    workers: ParseWorkers | None = None,
) -> tuple[list[tuple[str, CachedParse]], CacheStats]:
    """Every landing file's parse (landing-relative path, parse), parsing only the files the cache
    lacks and those the run plan forces; a cached file's rows stay on disk until asked for.

    `forced`, `fingerprints` and `code` come from the run plan (runtime/run_plan.py): the landing paths
    parsed again whatever the cache holds, the fingerprints it took, the parser code's digest.
    `workers` (the run's, ingest/parse_workers.py): parse the files in worker processes when there
    are enough of them; what comes back is the same either way."""
    fingerprints = fingerprints or {}
    # Legacy Telegram exports are parsed with their brands' time zones (brands.yml): those parses are
    # keyed by the zones too, so a changed zone re-parses them. Every other dataset gets {}.
    timezones = owner_timezones(dataset, brands_file) if files else {}
    version = code[:16] if code else code_version()
    if timezones:
        version += "+tz" + hashlib.sha256(json.dumps(sorted(timezones.items())).encode()).hexdigest()[:16]
    cache = ParseCache(cache_root, dataset, version)
    rels: list[str] = []
    entries: list[CachedParse | None] = []
    todo: list[tuple[int, str, Path, Callable[[], FileParse]]] = []  # (position, cache key, path, parser)
    for path in files:
        rel = path.relative_to(landing).as_posix() if path.is_relative_to(landing) else str(path)
        parser = partial(parse_file, dataset, path, landing, timezones)
        key, entry = cache.lookup(path, rel, parser, refresh=rel in forced, known=fingerprints.get(rel))
        if entry is None and key is not None:
            todo.append((len(entries), key, path, parser))
        rels.append(rel)
        entries.append(entry)
    jobs = [(key, path, parser) for _, key, path, parser in todo]
    if workers is not None and workers.worth_it(len(jobs), sum(_size(path) for _, path, _ in jobs)):
        fresh = cache.parse_in(workers, jobs, landing, timezones)
    else:
        fresh = [cache.parse(key, parser) for key, _, parser in jobs]
    fresh_at = {position: parse for (position, *_), parse in zip(todo, fresh, strict=True)}
    cache.finish()
    return [
        (rel, entry or fresh_at[i]) for i, (rel, entry) in enumerate(zip(rels, entries, strict=True))
    ], cache.stats


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # vanished since it was fingerprinted: its parse reports it


def store_entry(folder: Path, key: str, parsed: FileParse) -> None:
    """Write a file's parse as cache entry `key` in `folder`: rows, then the JSON that completes it."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "rows": parsed.rows.height,
        "dates": fetch_dates(parsed.rows),
        "quarantine": parsed.quarantine.to_dicts(),
        "stats": asdict(parsed.stats),
    }
    with disk_full_is_fatal(folder):
        if parsed.rows.height:
            _write_atomic(folder / f"{key}.parquet", parsed.rows.write_parquet)
        _write_atomic(folder / f"{key}.json", lambda tmp: tmp.write_text(json.dumps(meta, default=str)))


def _parse_and_store(
    task: tuple[str, Path, Path, dict[str, str], Path, str],
) -> tuple[IngestStats, pl.DataFrame, int, tuple[str, ...]]:
    """In a parse worker: parse one landing file, store its cache entry, and give back what the run's
    process needs without the rows (counts, quarantine, row count, fetch dates)."""
    name, path, landing, timezones, folder, key = task
    parsed = parse_file(BY_NAME[name], path, landing, timezones)
    store_entry(folder, key, parsed)
    return parsed.stats, parsed.quarantine, parsed.rows.height, tuple(fetch_dates(parsed.rows))


def _write_atomic(target: Path, write: Callable[[Path], object]) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
