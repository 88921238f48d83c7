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
from typing import Any

from pipelines.parsers import parse_capture
from pipelines.parsers.base import Capture, to_ts
from pipelines.schemas import dataset_for
from tests.unit.parsers.fixture_kit import (
    ACCOUNTS,
    FETCHED_AT,
    REAL_FIXTURES,
    real_files,
    real_json,
    real_path,
    utc,
)

# The test modules import the shared fixture helpers from this kit too.
__all__ = [
    "ACCOUNTS",
    "FETCHED_AT",
    "REAL_FIXTURES",
    "csv_row",
    "parse",
    "parse_export",
    "real_files",
    "real_json",
    "real_path",
    "utc",
]


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


def parse_export(
    platform: str, entity: str, record: Any, *, owner_timezones: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """One export record (a CSV row as header → string, or a whole JSON export document).

    Exports have no envelope: no account, no object, the fetch time is the file name's.
    `owner_timezones` is what the ingest passes from brands.yml (account id → time zone).
    """
    capture = Capture(
        fetched_at=utc(2026, 3, 2, 6),
        account_id=None,
        object_id=None,
        endpoint=None,
        response=record,
        owner_timezones=owner_timezones or {},
    )
    return _checked(platform, entity, capture)


def csv_row(header: str, line: str) -> dict[str, str]:
    """A CSV row as `csv.DictReader` yields it: header → string value."""
    names = next(csv.reader([header]))
    values = next(csv.reader([line]))
    assert len(names) == len(values), (names, values)
    return dict(zip(names, values, strict=True))
