"""What both parser test kits share: where the real payloads are, the capture time, account ids."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

# The real third-party payloads, read-only: provenance in SOURCES.md and licences in LICENSES.md there.
REAL_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real"

FETCHED_AT = "2026-03-02T06:00:00Z"

# Account ids as brands.yml spells them.
ACCOUNTS = {
    "facebook": "104000000000001",
    "instagram": "17841400000000001",
    "x": "1500000000000000001",
    "linkedin": "urn:li:organization:5000001",
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
        pytest.fail(f"real fixture {path} missing from the repository")
    return path


def real_json(platform: str, name: str) -> Any:
    return json.loads(real_path(platform, name).read_text(encoding="utf-8"))


def real_files(platform: str) -> set[str]:
    folder = REAL_FIXTURES / platform
    if not folder.is_dir():
        pytest.fail(f"real fixtures {folder} missing from the repository")
    return {p.name for p in folder.iterdir() if p.is_file()}
