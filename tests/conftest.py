"""Session-wide settings and the location of the real payloads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.parsers.fixture_kit import REAL_FIXTURES

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    if not REAL_FIXTURES.is_dir():
        pytest.fail(f"real fixtures not found at {REAL_FIXTURES}")
    return REAL_FIXTURES
