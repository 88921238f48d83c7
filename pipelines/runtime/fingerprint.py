"""What changed in the landing dir since the last run: content fingerprints and the sensor cursor.

A landing file is identified by its path relative to the landing dir and fingerprinted by the
sha256 of its bytes, so a file is processed once, a rewritten file with new content is processed
again, and a file that was only touched (same bytes, new mtime) is not. Hashing every file on
every sensor tick would read the whole landing dir each minute, so (size, mtime_ns) is a cheap
pre-check: when both match the previous tick the previous sha256 is reused without reading.

The cursor is one JSON document: the path → fingerprint mapping, a digest of the content state
(path → sha256) and a generation number that grows by one with each change that starts a run.
About 130 bytes per file: the 90-day demo landing dir (2,718 files, 66 MB) makes a 342 KiB cursor,
hashed from scratch in 0.3 s and re-checked by size+mtime in 0.04 s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CURSOR_VERSION = 1
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Fingerprint:
    """One landing file's identity: its content hash, plus size and mtime for the cheap pre-check."""

    sha256: str
    size: int
    mtime_ns: int

    def encode(self) -> str:
        return f"{self.sha256}:{self.size}:{self.mtime_ns}"

    @classmethod
    def decode(cls, text: str) -> Fingerprint:
        sha, size, mtime_ns = text.split(":")
        return cls(sha256=sha, size=int(size), mtime_ns=int(mtime_ns))


@dataclass(frozen=True)
class LandingCursor:
    """The landing state the last run was started for (generation 0, no files: nothing seen yet)."""

    generation: int = 0
    files: Mapping[str, Fingerprint] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return content_digest(self.files)


@dataclass(frozen=True)
class LandingDiff:
    """Relative paths that appeared, whose content changed, or that disappeared since the cursor."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()

    @property
    def needs_run(self) -> bool:
        """A run is due when there is content the warehouse has not read; deletions alone are not."""
        return bool(self.new or self.changed)

    def summary(self) -> str:
        return f"{len(self.new)} new, {len(self.changed)} changed, {len(self.deleted)} deleted"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint_file(path: Path, previous: Fingerprint | None = None) -> Fingerprint:
    """The file's fingerprint; reuses `previous.sha256` without reading when size and mtime still match."""
    stat = path.stat()
    if previous is not None and previous.size == stat.st_size and previous.mtime_ns == stat.st_mtime_ns:
        return previous
    return Fingerprint(sha256=sha256_file(path), size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def fingerprint_files(
    files: Mapping[str, Path], previous: Mapping[str, Fingerprint] | None = None
) -> dict[str, Fingerprint]:
    """Fingerprint each relative path → file, reusing previous hashes where the pre-check allows.

    A file that vanishes between listing and hashing is left out (it will show up as deleted).
    """
    previous = previous or {}
    current: dict[str, Fingerprint] = {}
    for rel in sorted(files):
        try:
            current[rel] = fingerprint_file(files[rel], previous.get(rel))
        except FileNotFoundError:
            continue
    return current


def diff_fingerprints(previous: Mapping[str, Fingerprint], current: Mapping[str, Fingerprint]) -> LandingDiff:
    """Compare by content only: a touched file with the same bytes is unchanged."""
    return LandingDiff(
        new=tuple(sorted(set(current) - set(previous))),
        changed=tuple(
            sorted(p for p in set(current) & set(previous) if current[p].sha256 != previous[p].sha256)
        ),
        deleted=tuple(sorted(set(previous) - set(current))),
    )


def content_digest(files: Mapping[str, Fingerprint]) -> str:
    """sha256 over the sorted (path, content hash) pairs: equal iff the landing content is equal."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode())
        digest.update(b"\0")
        digest.update(files[rel].sha256.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def encode_cursor(cursor: LandingCursor) -> str:
    return json.dumps(
        {
            "version": CURSOR_VERSION,
            "generation": cursor.generation,
            "digest": cursor.digest,
            "files": {rel: cursor.files[rel].encode() for rel in sorted(cursor.files)},
        },
        separators=(",", ":"),
    )


def decode_cursor(text: str | None) -> LandingCursor:
    """The stored cursor, or an empty one when absent, of another version or corrupt.

    An empty cursor makes every file new, so a damaged cursor costs one extra run, never a missed file.
    """
    if not text:
        return LandingCursor()
    try:
        raw = json.loads(text)
        if raw.get("version") != CURSOR_VERSION:
            return LandingCursor()
        files = {str(rel): Fingerprint.decode(fp) for rel, fp in raw["files"].items()}
        cursor = LandingCursor(generation=int(raw["generation"]), files=files)
    except (ValueError, KeyError, TypeError, AttributeError):
        return LandingCursor()
    if cursor.digest != raw.get("digest"):
        return LandingCursor()
    return cursor


def relative_files(landing: Path, paths: Iterable[Path]) -> dict[str, Path]:
    """Key files by their path relative to the landing dir (absolute for files outside it)."""
    root = landing.resolve()
    keyed: dict[str, Path] = {}
    for path in paths:
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = str(path.resolve())
        keyed[rel] = path
    return keyed


@dataclass(frozen=True)
class Evaluation:
    """One sensor tick's verdict: what changed, and the cursor to store whatever the verdict."""

    diff: LandingDiff
    cursor: LandingCursor

    @property
    def run_key(self) -> str:
        """Unique per change (the generation grows), stable if the same tick is evaluated again."""
        return f"landing-{self.cursor.generation}-{self.cursor.digest[:16]}"


def evaluate(previous: LandingCursor, files: Mapping[str, Path]) -> Evaluation:
    """Fingerprint the landing files against the previous cursor and decide."""
    current = fingerprint_files(files, previous.files)
    diff = diff_fingerprints(previous.files, current)
    generation = previous.generation + 1 if diff.needs_run else previous.generation
    return Evaluation(diff=diff, cursor=LandingCursor(generation=generation, files=current))
