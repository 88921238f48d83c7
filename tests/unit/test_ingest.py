"""Ingest accounting: every record is loaded, quarantined with a reason, or a collapsed duplicate."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from pipelines.ingest.lake import replace_dataset_dir
from pipelines.ingest.parse import ingest_files
from pipelines.schemas import BY_NAME

POSTS_PAGE = {
    "data": [
        {
            "id": "104_501",
            "message": "Morning brew",
            "created_time": "2026-03-01T09:15:00+0000",
            "status_type": "added_photos",
            "is_hidden": False,
            "is_published": True,
            "shares": {"count": 12},
            "reactions": {"data": [], "summary": {"total_count": 340}},
            "comments": {"data": [], "summary": {"total_count": 41}},
        },
        {
            "id": "104_502",
            "message": "No shares yet",
            "created_time": "2026-03-01T20:00:00+0000",
            "reactions": {"data": [], "summary": {"total_count": 7}},
            "comments": {"data": [], "summary": {"total_count": 0}},
        },
    ],
    "paging": {"cursors": {"before": "b", "after": "a"}},
}


def _line(fetched_at: str | None, response: object, **extra: object) -> str:
    envelope = {
        "account_id": "104",
        "endpoint": "/{page-id}/posts",
        "object_id": "104",
        "params": {},
        "response": response,
        **extra,
    }
    if fetched_at is not None:
        envelope["fetched_at"] = fetched_at
    return json.dumps(envelope)


def _landing(tmp_path: Path, lines: list[str], name: str = "2026-03-02.jsonl") -> Path:
    folder = tmp_path / "facebook" / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / name


def test_every_defect_is_quarantined_and_counts_reconcile(tmp_path: Path) -> None:
    good = _line("2026-03-02T06:00:00Z", POSTS_PAGE)
    bad_count = json.loads(good)
    bad_count["response"]["data"][1]["reactions"]["summary"]["total_count"] = "lots"
    path = _landing(
        tmp_path,
        [
            good,
            good,  # the same capture landed twice
            _line("2026-03-02T14:00:00Z", POSTS_PAGE)[:80],  # truncated line
            _line(None, POSTS_PAGE),  # no fetched_at
            _line(
                "2026-03-02T14:00:00Z",
                {"error": {"message": "(#4) Application request limit reached", "code": 4}},
            ),
            json.dumps({**bad_count, "fetched_at": "2026-03-02T22:00:00Z"}),
        ],
    )
    result = ingest_files(BY_NAME["facebook__posts"], [path], tmp_path)
    stats = result.stats
    assert stats.lines_read == 6
    # 2 + 2 (duplicate) + 1 + 1 + 1 + 2 (one bad record inside) = 9 records
    assert (stats.records_read, stats.rows_loaded, stats.records_quarantined, stats.duplicates_collapsed) == (
        9,
        3,
        4,
        2,
    )
    assert stats.reconciles
    reasons = dict(
        zip(result.quarantine["line"].to_list(), result.quarantine["reason"].to_list(), strict=True)
    )
    assert reasons[3].startswith("invalid JSON")
    assert reasons[4] == "envelope: missing fetched_at"
    assert "API error body" in reasons[5] and "request limit" in reasons[5]
    assert "reactions" in reasons[6] and "lots" in reasons[6]
    assert set(result.quarantine["source_file"]) == {"facebook/posts/2026-03-02.jsonl"}


def test_rows_are_typed_and_carry_their_capture(tmp_path: Path) -> None:
    path = _landing(tmp_path, [_line("2026-03-02T06:00:00Z", POSTS_PAGE)])
    rows = ingest_files(BY_NAME["facebook__posts"], [path], tmp_path).rows
    assert rows.schema == BY_NAME["facebook__posts"].schema
    first = rows.filter(pl.col("post_id") == "104_501").row(0, named=True)
    assert first["reactions_total"] == 340 and first["shares_count"] == 12
    assert first["created_time"].isoformat() == "2026-03-01T09:15:00+00:00"
    assert (first["source_file"], first["source_line"], first["capture_account_id"]) == (
        "facebook/posts/2026-03-02.jsonl",
        1,
        "104",
    )
    assert str(first["fetch_date"]) == "2026-03-02"


def test_same_capture_under_another_name_changes_nothing(tmp_path: Path) -> None:
    line = _line("2026-03-02T06:00:00Z", POSTS_PAGE)
    first = _landing(tmp_path, [line])
    copy = _landing(tmp_path, [line], name="copy-of-2026-03-02.jsonl")
    once = ingest_files(BY_NAME["facebook__posts"], [first], tmp_path).rows
    twice = ingest_files(BY_NAME["facebook__posts"], [copy, first], tmp_path)
    assert twice.stats.duplicates_collapsed == 2
    assert twice.rows.drop("source_file").equals(once.drop("source_file"))


def test_invalid_utf8_line_is_quarantined_not_fatal(tmp_path: Path) -> None:
    path = _landing(tmp_path, [_line("2026-03-02T06:00:00Z", POSTS_PAGE)])
    with path.open("ab") as handle:
        handle.write(b'{"fetched_at": "2026-03-02T06:00:00Z", "response": "\xff\xfe"}\n')
    result = ingest_files(BY_NAME["facebook__posts"], [path], tmp_path)
    assert result.stats.rows_loaded == 2 and result.stats.records_quarantined == 1
    assert result.quarantine["line"].to_list() == [2]


def test_export_without_time_prefix_is_quarantined(tmp_path: Path) -> None:
    folder = tmp_path / "listening" / "mentions"
    folder.mkdir(parents=True)
    (folder / "export.csv").write_text("url,published,content\nhttps://a,2026-03-02,hi\n")
    result = ingest_files(BY_NAME["listening__mentions"], [folder / "export.csv"], tmp_path)
    assert result.stats.rows_loaded == 0
    assert "fetch-time prefix" in result.quarantine["reason"].item()


def test_lake_dataset_is_replaced_whole_and_empty_keeps_schema(tmp_path: Path) -> None:
    path = _landing(tmp_path, [_line("2026-03-02T06:00:00Z", POSTS_PAGE)])
    rows = ingest_files(BY_NAME["facebook__posts"], [path], tmp_path).rows
    target = tmp_path / "lake" / "facebook" / "posts"
    written = replace_dataset_dir(rows, target)
    assert [p.relative_to(target).as_posix() for p in written] == ["fetch_date=2026-03-02/part-0.parquet"]
    replace_dataset_dir(rows.clear(), target)
    files = sorted(p.name for p in target.rglob("*.parquet"))
    assert files == ["_empty.parquet"]
    assert pl.read_parquet(target / "_empty.parquet").schema == BY_NAME["facebook__posts"].schema
