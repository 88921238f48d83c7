"""Fetch-date partitions: which files a partitioned run parses again, and which range tags a CLI run gets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipelines.defs.ingest.partitions import FETCH_DATE_PARTITIONS
from pipelines.runner import run_tags
from pipelines.runtime.partitions import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    first_fetch_date,
    partition_range_tags,
    reparse_options,
)
from pipelines.runtime.run_options import RunOptions

TODAY = date(2026, 12, 2)
FIRST = date(2024, 1, 1)


def test_a_run_without_partitions_keeps_its_tag_options() -> None:
    assert reparse_options(RunOptions(), None) == RunOptions()
    ranged = RunOptions(since=date(2026, 3, 1), until=date(2026, 3, 4))
    assert reparse_options(ranged, None) == ranged


def test_a_partition_range_becomes_the_reparse_window() -> None:
    assert reparse_options(RunOptions(), ("2026-03-01", "2026-03-04")) == RunOptions(
        since=date(2026, 3, 1), until=date(2026, 3, 4)
    )
    # One partition (the daily schedule): that one day.
    assert reparse_options(RunOptions(), ("2026-12-02", "2026-12-02")) == RunOptions(since=TODAY, until=TODAY)


def test_tags_and_partitions_together_reparse_their_union() -> None:
    tags = RunOptions(since=date(2026, 3, 3), until=date(2026, 3, 10))
    assert reparse_options(tags, ("2026-03-01", "2026-03-05")) == RunOptions(
        since=date(2026, 3, 1), until=date(2026, 3, 10)
    )
    open_end = RunOptions(since=date(2026, 3, 3))
    assert reparse_options(open_end, ("2026-03-01", "2026-03-05")) == RunOptions(since=date(2026, 3, 1))


def test_full_refresh_is_never_narrowed_by_partitions() -> None:
    assert reparse_options(RunOptions(full_refresh=True), ("2026-03-01", "2026-03-01")) == RunOptions(
        full_refresh=True
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (RunOptions(since=date(2026, 3, 1), until=date(2026, 3, 4)), ("2026-03-01", "2026-03-04")),
        (RunOptions(since=date(2026, 11, 30)), ("2026-11-30", "2026-12-02")),  # open end: today
        (RunOptions(until=date(2024, 1, 3)), ("2024-01-01", "2024-01-03")),  # open start: first day
        (RunOptions(since=TODAY, until=TODAY), ("2026-12-02", "2026-12-02")),
    ],
    ids=["closed", "open-end", "open-start", "today"],
)
def test_a_cli_range_inside_the_partitions_gets_dagster_range_tags(
    options: RunOptions, expected: tuple[str, str]
) -> None:
    assert partition_range_tags(options, today=TODAY, first=FIRST) == {
        RANGE_START_TAG: expected[0],
        RANGE_END_TAG: expected[1],
    }


@pytest.mark.parametrize(
    "options",
    [
        RunOptions(),
        RunOptions(full_refresh=True),
        RunOptions(since=date(2023, 12, 31), until=date(2024, 1, 2)),  # before the first partition
        RunOptions(since=date(2026, 12, 1), until=date(2026, 12, 3)),  # after today
        RunOptions(since=date(2026, 12, 5)),  # starts after today
    ],
    ids=["no-range", "full-refresh", "before-first", "after-today", "future-start"],
)
def test_no_range_tags_when_the_range_does_not_fit_the_partitions(options: RunOptions) -> None:
    assert partition_range_tags(options, today=TODAY, first=FIRST) == {}


def test_run_tags_carry_the_smm_range_and_the_same_dagster_range() -> None:
    options = RunOptions(since=date(2026, 3, 1), until=date(2026, 3, 4))
    assert run_tags(options, today=TODAY) == {
        "smm/since": "2026-03-01",
        "smm/until": "2026-03-04",
        RANGE_START_TAG: "2026-03-01",
        RANGE_END_TAG: "2026-03-04",
    }
    assert run_tags(RunOptions(), today=TODAY) == {}


def test_partitions_are_daily_utc_from_the_first_fetch_date_to_today() -> None:
    keys = FETCH_DATE_PARTITIONS.get_partition_keys(current_time=datetime(2026, 12, 2, 7, tzinfo=UTC))
    assert keys[0] == first_fetch_date().isoformat() == "2024-01-01"
    assert keys[-1] == "2026-12-02"  # today's partition exists: the morning captures are fetched today


def test_a_malformed_first_fetch_date_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMM_FIRST_FETCH_DATE", "01/01/2024")
    with pytest.raises(ValueError, match="SMM_FIRST_FETCH_DATE='01/01/2024' is not a date; use YYYY-MM-DD"):
        first_fetch_date()
