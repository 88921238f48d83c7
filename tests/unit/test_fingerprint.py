"""A landing file's fingerprint: content decides, size and mtime only spare re-reading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.runtime.fingerprint import Fingerprint, fingerprint_file, fingerprint_files, relative_files

CAPTURE = (
    '{"fetched_at": "2026-03-02T06:00:00Z", "account_id": "104000000000001", "endpoint": "/{page-id}", '
    '"object_id": "104000000000001", "params": {}, "response": {"id": "104000000000001", '
    '"followers_count": 10234}}\n'
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture()
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    _write(root / "facebook/page/2026-03-02.jsonl", CAPTURE)
    _write(root / "brands.yml", "brands: []\n")
    return root


def _files(root: Path) -> dict[str, Path]:
    return relative_files(root, [p for p in root.rglob("*") if p.is_file()])


def test_size_and_mtime_match_reuses_the_hash_without_reading(landing: Path) -> None:
    path = landing / "facebook/page/2026-03-02.jsonl"
    stat = path.stat()
    remembered = Fingerprint(sha256="remembered", size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    assert fingerprint_file(path, remembered) is remembered
    fresh = fingerprint_file(path, Fingerprint("remembered", stat.st_size + 1, stat.st_mtime_ns))
    assert fresh.sha256 != "remembered" and len(fresh.sha256) == 64


def test_file_outside_the_landing_dir_is_keyed_by_absolute_path(tmp_path: Path, landing: Path) -> None:
    brands = _write(tmp_path / "elsewhere" / "brands.yml", "brands: []\n")
    keyed = relative_files(landing, [landing / "facebook/page/2026-03-02.jsonl", brands])
    assert set(keyed) == {"facebook/page/2026-03-02.jsonl", str(brands.resolve())}


def test_rewritten_content_with_a_new_mtime_gets_a_new_hash(landing: Path) -> None:
    path = landing / "facebook/page/2026-03-02.jsonl"
    first = fingerprint_files(_files(landing))
    before = path.stat()
    path.write_text(CAPTURE.replace("10234", "10299"))  # same length: a restated follower count
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    second = fingerprint_files(_files(landing), first)
    rel = "facebook/page/2026-03-02.jsonl"
    assert second[rel].size == first[rel].size
    assert second[rel].sha256 != first[rel].sha256


def test_a_touched_file_keeps_its_hash_and_remembers_the_new_mtime(landing: Path) -> None:
    path = landing / "facebook/page/2026-03-02.jsonl"
    first = fingerprint_files(_files(landing))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    second = fingerprint_files(_files(landing), first)
    rel = "facebook/page/2026-03-02.jsonl"
    assert second[rel].sha256 == first[rel].sha256
    assert second[rel].mtime_ns == path.stat().st_mtime_ns


def test_a_file_vanishing_between_listing_and_hashing_is_left_out(landing: Path) -> None:
    files = _files(landing)
    (landing / "facebook/page/2026-03-02.jsonl").unlink()
    assert set(fingerprint_files(files)) == {"brands.yml"}
