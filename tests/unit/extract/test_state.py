"""Durable cursors: atomic file, lookback and horizon windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipelines.extract.lock import ExtractLocked, extract_lock
from pipelines.extract.state import ExtractState

NOW = datetime(2026, 3, 2, 6, tzinfo=UTC)


def test_new_data_dir_starts_at_the_horizon(tmp_path, monkeypatch):
    monkeypatch.setenv("SMM_EXTRACT_HORIZON_DAYS", "30")
    assert ExtractState(tmp_path, "vk").window_start("wall", "-1", NOW) == NOW - timedelta(days=30)


def test_next_run_restates_the_lookback_from_the_last_success(tmp_path, monkeypatch):
    monkeypatch.setenv("SMM_EXTRACT_LOOKBACK_DAYS", "28")
    state = ExtractState(tmp_path, "vk")
    state.mark("wall", "-1", NOW)
    state.save()
    reloaded = ExtractState(tmp_path, "vk")
    assert reloaded.last_success("wall", "-1") == NOW
    assert reloaded.window_start("wall", "-1", NOW + timedelta(days=1)) == NOW - timedelta(days=28)
    assert reloaded.last_success("wall", "-2") is None
    assert ExtractState(tmp_path, "x").last_success("wall", "-1") is None
    assert [p.name for p in (tmp_path / "extract").iterdir()] == ["vk.json"]  # no temp file left


def test_a_second_extraction_of_a_platform_is_refused_another_platform_is_not(tmp_path):
    with (
        extract_lock(tmp_path, "vk"),
        pytest.raises(ExtractLocked, match="another extraction of vk is running"),
        extract_lock(tmp_path, "vk"),
    ):
        pass
    with extract_lock(tmp_path, "vk"), extract_lock(tmp_path, "x"):
        pass  # released when the first one ended; platforms are independent
