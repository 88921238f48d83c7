"""Durable cursors: atomic file, lookback and horizon windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipelines.extract.lock import ExtractLocked, extract_lock
from pipelines.extract.state import ExtractState

NOW = datetime(2026, 3, 2, 6, tzinfo=UTC)


def test_new_data_dir_starts_at_the_horizon(tmp_path, monkeypatch):
    monkeypatch.setenv("SMM_EXTRACT_HORIZON_DAYS", "30")
    assert ExtractState(tmp_path).window_start("vk", "wall", "-1", NOW) == NOW - timedelta(days=30)


def test_next_run_restates_the_lookback_from_the_last_success(tmp_path, monkeypatch):
    monkeypatch.setenv("SMM_EXTRACT_LOOKBACK_DAYS", "28")
    state = ExtractState(tmp_path)
    state.mark("vk", "wall", "-1", NOW)
    state.save()
    reloaded = ExtractState(tmp_path)
    assert reloaded.last_success("vk", "wall", "-1") == NOW
    assert reloaded.window_start("vk", "wall", "-1", NOW + timedelta(days=1)) == NOW - timedelta(days=28)
    assert reloaded.last_success("vk", "wall", "-2") is None
    assert [p.name for p in (tmp_path / "extract").iterdir()] == ["state.json"]  # no temp file left


def test_a_second_extraction_on_the_same_data_dir_is_refused(tmp_path):
    with (
        extract_lock(tmp_path),
        pytest.raises(ExtractLocked, match="another extraction is running"),
        extract_lock(tmp_path),
    ):
        pass
    with extract_lock(tmp_path):  # released when the first one ended
        pass
