"""Test kit for the API-capture parsers (facebook, instagram, x, linkedin).

Builds a landing-contract envelope line around a response body, reads it back as the ingest
framework would (a `Capture`), and runs it through `parse_capture`, so every test also checks
that rows carry exactly the dataset's columns.
"""

from __future__ import annotations

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
    "capture_of",
    "envelope_line",
    "parse",
    "parse_direct",
    "parse_without_ids",
    "real_files",
    "real_json",
    "real_jsonl",
    "real_path",
    "utc",
]


def real_jsonl(platform: str, name: str) -> list[Any]:
    lines = real_path(platform, name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def envelope_line(
    platform: str,
    response: Any,
    *,
    object_id: str | None = None,
    account_id: str | None = None,
    endpoint: str = "/test",
) -> str:
    """One landing JSONL line, as an extractor writes it."""
    account = account_id or ACCOUNTS[platform]
    return json.dumps(
        {
            "fetched_at": FETCHED_AT,
            "account_id": account,
            "endpoint": endpoint,
            "object_id": object_id or account,
            "params": {},
            "response": response,
        }
    )


def capture_of(line: str) -> Capture:
    envelope = json.loads(line)
    fetched_at = to_ts(envelope["fetched_at"], "fetched_at")
    assert fetched_at is not None
    return Capture(
        fetched_at=fetched_at,
        account_id=envelope.get("account_id"),
        object_id=envelope.get("object_id"),
        endpoint=envelope.get("endpoint"),
        response=envelope["response"],
    )


def parse(
    platform: str,
    entity: str,
    response: Any,
    *,
    object_id: str | None = None,
    account_id: str | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """(rows, per-record reject reasons) for one response landed in `<platform>/<entity>/`.

    Raises Rejected when the whole capture is unusable (error body, wrong shape).
    """
    dataset = dataset_for(platform, entity)
    assert dataset is not None, f"no dataset {platform}/{entity}"
    line = envelope_line(platform, response, object_id=object_id, account_id=account_id)
    rows, rejects = parse_capture(dataset, capture_of(line))
    for row in rows:  # stricter than parse_capture: the schema's column order too
        assert list(row) == list(dataset.columns), f"{dataset.name} column order: {list(row)}"
    return rows, rejects


def parse_without_ids(platform: str, entity: str, response: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """A hand-dropped capture whose envelope names neither account nor object."""
    dataset = dataset_for(platform, entity)
    assert dataset is not None
    capture = Capture(
        fetched_at=utc(2026, 3, 2, 6), account_id=None, object_id=None, endpoint=None, response=response
    )
    return parse_capture(dataset, capture)


def parse_direct(
    module: Any,
    platform: str,
    entity: str,
    response: Any,
    *,
    object_id: str | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The module's own records/row, bypassing parse_capture's "first key column not NULL" rule.

    Only for datasets whose first key column may legitimately be NULL (LinkedIn organisation-level
    share statistics: share_urn NULL); the column check is repeated here.
    """
    from pipelines.parsers.base import Rejected

    dataset = dataset_for(platform, entity)
    assert dataset is not None
    capture = capture_of(envelope_line(platform, response, object_id=object_id))
    error = module.error_of(capture.response)
    if error is not None:
        raise Rejected(f"API error body: {error}")
    parser = module.PARSERS[entity]
    rows, rejects = [], []
    for element in parser.records(capture):
        try:
            row = parser.row(element, capture)
        except Rejected as exc:
            rejects.append(str(exc))
            continue
        assert row.keys() == dataset.columns.keys(), f"columns differ: {sorted(row)}"
        rows.append(row)
    return rows, rejects
