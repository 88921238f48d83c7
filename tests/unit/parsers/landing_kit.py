"""Test kit for the youtube, tiktok, vk, telegram and listening parsers.

API captures go through a landing-contract envelope line and back (as the ingest framework reads
them); export rows and documents (CSV rows as dicts of header → string, a Telegram Desktop
`result.json`) are handed over as the framework hands them. Everything runs through
`parse_capture`, so every test also checks that rows carry exactly the dataset's columns, and
this kit checks their order too.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.lib.parsers import parse_capture
from pipelines.lib.parsers.base import Capture, to_ts
from pipelines.lib.schemas import dataset_for

# The real third-party payloads (read-only; provenance in SOURCES.md next to them).
REAL_FIXTURES = Path(os.environ.get("SMM_REAL_FIXTURES") or Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "real")

FETCHED_AT = "2026-03-02T06:00:00Z"

# Account ids as brands.yml spells them.
ACCOUNTS = {
    "youtube": "UCaurora000000000000000",
    "tiktok": "aurora_open_id",
    "vk": "-123456",
    "telegram": "1234567890",
}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def real_path(platform: str, name: str) -> Path:
    path = REAL_FIXTURES / platform / name
    if not path.exists():
        pytest.fail(f"real fixture {path} not available (set SMM_REAL_FIXTURES)")
    return path


def real_json(platform: str, name: str) -> Any:
    return json.loads(real_path(platform, name).read_text(encoding="utf-8"))


def real_files(platform: str) -> set[str]:
    folder = REAL_FIXTURES / platform
    if not folder.is_dir():
        pytest.fail(f"real fixtures {folder} not available (set SMM_REAL_FIXTURES)")
    return {p.name for p in folder.iterdir() if p.is_file()}


def _checked(platform: str, entity: str, capture: Capture) -> tuple[list[dict[str, Any]], list[str]]:
    dataset = dataset_for(platform, entity)
    assert dataset is not None, f"no dataset {platform}/{entity}"
    rows, rejects = parse_capture(dataset, capture)
    for row in rows:
        assert list(row) == list(dataset.columns), f"{dataset.name} column order: {list(row)}"
    return rows, rejects


def parse(
    platform: str,
    entity: str,
    response: Any,
    *,
    object_id: str | None = None,
    account_id: str | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """(rows, per-record reject reasons) for one API response landed in `<platform>/<entity>/`.

    Raises Rejected when the whole capture is unusable (error body, wrong shape).
    """
    account = account_id or ACCOUNTS[platform]
    line = json.dumps(
        {
            "fetched_at": FETCHED_AT,
            "account_id": account,
            "endpoint": "/test",
            "object_id": object_id or account,
            "params": {},
            "response": response,
        }
    )
    envelope = json.loads(line)
    fetched_at = to_ts(envelope["fetched_at"], "fetched_at")
    assert fetched_at is not None
    capture = Capture(
        fetched_at=fetched_at,
        account_id=envelope["account_id"],
        object_id=envelope["object_id"],
        endpoint=envelope["endpoint"],
        response=envelope["response"],
    )
    return _checked(platform, entity, capture)


def parse_export(platform: str, entity: str, record: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """One export record (a CSV row as header → string, or a whole JSON export document).

    Exports have no envelope: no account, no object, the fetch time is the file name's.
    """
    capture = Capture(
        fetched_at=utc(2026, 3, 2, 6), account_id=None, object_id=None, endpoint=None, response=record
    )
    return _checked(platform, entity, capture)


def csv_row(header: str, line: str) -> dict[str, str]:
    """A CSV row as `csv.DictReader` yields it: header → string value."""
    names = next(csv.reader([header]))
    values = next(csv.reader([line]))
    assert len(names) == len(values), (names, values)
    return dict(zip(names, values, strict=True))
