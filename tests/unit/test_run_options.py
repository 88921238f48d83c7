"""Run options travel as run tags; the date range selects landing files by the date in their name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.runtime.run_options import RunOptions, RunOptionsError, landing_file_date


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026-03-02.jsonl", date(2026, 3, 2)),
        ("20260302T060000Z_channel_basic_a3.csv", date(2026, 3, 2)),
        ("20260331T234000Z_result.json", date(2026, 3, 31)),
        ("2026-13-45.jsonl", None),
        ("posts.jsonl", None),
    ],
)
def test_the_fetch_date_comes_from_the_contract_file_names(name: str, expected: date | None) -> None:
    assert landing_file_date(Path("x") / name) == expected


def test_tags_round_trip() -> None:
    options = RunOptions(since=date(2026, 3, 1), until=date(2026, 3, 7))
    assert options.to_tags() == {"smm/since": "2026-03-01", "smm/until": "2026-03-07"}
    assert RunOptions.from_tags(options.to_tags()) == options
    assert RunOptions.from_tags({}) == RunOptions()
    assert RunOptions.from_tags({"smm/full_refresh": "true"}).full_refresh


def test_the_range_includes_both_ends_and_may_be_open() -> None:
    week = RunOptions(since=date(2026, 3, 1), until=date(2026, 3, 7))
    picked = [d for d in range(1, 10) if week.reparse(Path(f"2026-03-0{d}.jsonl"))]
    assert picked == [1, 2, 3, 4, 5, 6, 7]
    assert RunOptions(since=date(2026, 3, 8)).reparse(Path("2027-01-01.jsonl"))
    assert not RunOptions(until=date(2026, 3, 8)).reparse(Path("2026-03-09.jsonl"))
    assert not week.reparse(Path("undated.jsonl"))


def test_no_options_reparse_nothing_and_full_refresh_everything() -> None:
    assert not RunOptions().reparse(Path("2026-03-01.jsonl"))
    assert RunOptions(full_refresh=True).reparse(Path("undated.jsonl"))


def test_bad_dates_and_reversed_ranges_are_refused_with_the_tag_named() -> None:
    with pytest.raises(RunOptionsError, match="smm/since"):
        RunOptions.from_tags({"smm/since": "March 1st"})
    with pytest.raises(RunOptionsError, match="after"):
        RunOptions(since=date(2026, 3, 7), until=date(2026, 3, 1))
