"""Landing change detection: a file is processed once, changed content again, touches and deletions never."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.runtime.fingerprint import (
    Fingerprint,
    LandingCursor,
    decode_cursor,
    diff_fingerprints,
    encode_cursor,
    evaluate,
    fingerprint_file,
    relative_files,
)

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


def test_first_sight_of_the_landing_dir_makes_every_file_new(landing: Path) -> None:
    verdict = evaluate(LandingCursor(), _files(landing))
    assert verdict.diff.new == ("brands.yml", "facebook/page/2026-03-02.jsonl")
    assert verdict.diff.needs_run
    assert verdict.cursor.generation == 1


def test_unchanged_landing_needs_no_run_and_keeps_the_generation(landing: Path) -> None:
    first = evaluate(LandingCursor(), _files(landing))
    again = evaluate(first.cursor, _files(landing))
    assert not again.diff.needs_run
    assert again.diff.summary() == "0 new, 0 changed, 0 deleted"
    assert again.cursor == first.cursor
    assert again.run_key == first.run_key


def test_new_file_is_the_only_one_reported(landing: Path) -> None:
    first = evaluate(LandingCursor(), _files(landing))
    _write(landing / "facebook/page/2026-03-03.jsonl", CAPTURE.replace("10234", "10301"))
    second = evaluate(first.cursor, _files(landing))
    assert second.diff.new == ("facebook/page/2026-03-03.jsonl",)
    assert second.diff.changed == () and second.diff.deleted == ()
    assert second.cursor.generation == 2
    assert second.run_key != first.run_key


def test_rewritten_content_is_changed_even_with_the_same_size_and_mtime(landing: Path) -> None:
    path = landing / "facebook/page/2026-03-02.jsonl"
    first = evaluate(LandingCursor(), _files(landing))
    before = path.stat()
    path.write_text(CAPTURE.replace("10234", "10299"))  # same length: a restated follower count
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    second = evaluate(first.cursor, _files(landing))
    assert second.diff.changed == ("facebook/page/2026-03-02.jsonl",)
    assert second.diff.needs_run


def test_touched_file_with_same_bytes_is_not_a_change_but_its_mtime_is_remembered(landing: Path) -> None:
    path = landing / "facebook/page/2026-03-02.jsonl"
    first = evaluate(LandingCursor(), _files(landing))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    second = evaluate(first.cursor, _files(landing))
    assert not second.diff.needs_run
    rel = "facebook/page/2026-03-02.jsonl"
    assert second.cursor.files[rel].mtime_ns == path.stat().st_mtime_ns
    assert second.cursor.files[rel].sha256 == first.cursor.files[rel].sha256


def test_deleted_file_starts_no_run_but_leaves_the_cursor(landing: Path) -> None:
    first = evaluate(LandingCursor(), _files(landing))
    (landing / "facebook/page/2026-03-02.jsonl").unlink()
    second = evaluate(first.cursor, _files(landing))
    assert second.diff.deleted == ("facebook/page/2026-03-02.jsonl",)
    assert not second.diff.needs_run
    assert set(second.cursor.files) == {"brands.yml"}
    # The same file landing again later is new again: it was removed from what the warehouse read.
    _write(landing / "facebook/page/2026-03-02.jsonl", CAPTURE)
    assert evaluate(second.cursor, _files(landing)).diff.new == ("facebook/page/2026-03-02.jsonl",)


def test_content_reverted_to_an_earlier_version_gets_a_fresh_run_key(landing: Path) -> None:
    path = landing / "facebook/page/2026-03-02.jsonl"
    a = evaluate(LandingCursor(), _files(landing))
    path.write_text(CAPTURE.replace("10234", "99"))
    b = evaluate(a.cursor, _files(landing))
    path.write_text(CAPTURE)
    c = evaluate(b.cursor, _files(landing))
    assert c.diff.changed == ("facebook/page/2026-03-02.jsonl",)
    assert c.cursor.digest == a.cursor.digest  # same content state as the first run...
    assert len({a.run_key, b.run_key, c.run_key}) == 3  # ...but not deduplicated away by Dagster


def test_size_and_mtime_match_reuses_the_hash_without_reading(landing: Path) -> None:
    path = landing / "facebook/page/2026-03-02.jsonl"
    stat = path.stat()
    remembered = Fingerprint(sha256="remembered", size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    assert fingerprint_file(path, remembered) is remembered
    fresh = fingerprint_file(path, Fingerprint("remembered", stat.st_size + 1, stat.st_mtime_ns))
    assert fresh.sha256 != "remembered" and len(fresh.sha256) == 64


def test_cursor_round_trips_through_json(landing: Path) -> None:
    cursor = evaluate(LandingCursor(), _files(landing)).cursor
    assert decode_cursor(encode_cursor(cursor)) == cursor


@pytest.mark.parametrize("stored", [None, "", "not json", '{"version": 99}', '{"version": 1, "files": 3}'])
def test_missing_or_unreadable_cursor_means_nothing_seen_yet(stored: str | None) -> None:
    assert decode_cursor(stored) == LandingCursor()


def test_tampered_cursor_fails_its_digest_and_is_ignored(landing: Path) -> None:
    text = encode_cursor(evaluate(LandingCursor(), _files(landing)).cursor)
    assert decode_cursor(text) != LandingCursor()
    tampered = text.replace("brands.yml", "brandz.yml")
    assert decode_cursor(tampered) == LandingCursor()


def test_diff_compares_content_hashes_only() -> None:
    before = {"a.jsonl": Fingerprint("h1", 10, 1), "b.jsonl": Fingerprint("h2", 10, 1)}
    after = {
        "a.jsonl": Fingerprint("h1", 10, 2),
        "b.jsonl": Fingerprint("h3", 10, 1),
        "c.jsonl": Fingerprint("h4", 1, 1),
    }
    diff = diff_fingerprints(before, after)
    assert (diff.new, diff.changed, diff.deleted) == (("c.jsonl",), ("b.jsonl",), ())


def test_file_outside_the_landing_dir_is_keyed_by_absolute_path(tmp_path: Path, landing: Path) -> None:
    brands = _write(tmp_path / "elsewhere" / "brands.yml", "brands: []\n")
    keyed = relative_files(landing, [landing / "facebook/page/2026-03-02.jsonl", brands])
    assert set(keyed) == {"facebook/page/2026-03-02.jsonl", str(brands.resolve())}
