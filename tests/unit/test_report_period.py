"""The report's period: Mon–Sun weeks and calendar months in local dates, and the one before."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.reports.report_period import last_complete_period, period_ending


@pytest.mark.parametrize(
    ("last_date", "start", "end"),
    [
        (date(2026, 1, 11), date(2026, 1, 5), date(2026, 1, 11)),  # a Sunday: its own week is complete
        (date(2026, 1, 10), date(2025, 12, 29), date(2026, 1, 4)),  # a Saturday: the week before
        (date(2026, 1, 12), date(2026, 1, 5), date(2026, 1, 11)),  # a Monday
    ],
)
def test_default_week_is_the_last_complete_monday_to_sunday(last_date, start, end) -> None:
    period = last_complete_period(last_date, "week")
    assert (period.start, period.end, period.days) == (start, end, 7)
    assert start.isoweekday() == 1 and end.isoweekday() == 7
    assert (period.previous_start, period.previous_end) == (
        date.fromordinal(start.toordinal() - 7),
        date.fromordinal(start.toordinal() - 1),
    )


def test_default_month_is_the_last_complete_calendar_month() -> None:
    assert last_complete_period(date(2026, 3, 15), "month").start == date(2026, 2, 1)
    february = last_complete_period(date(2026, 3, 15), "month")
    assert (february.end, february.previous_start, february.previous_end) == (
        date(2026, 2, 28),
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    assert last_complete_period(date(2026, 3, 31), "month").start == date(2026, 3, 1)


def test_end_picks_the_last_day_of_the_period() -> None:
    week = period_ending(date(2026, 1, 7), "week")
    assert (week.start, week.end) == (date(2026, 1, 1), date(2026, 1, 7))
    month = period_ending(date(2026, 3, 15), "month")
    assert (month.start, month.end, month.previous_start, month.previous_end) == (
        date(2026, 2, 16),
        date(2026, 3, 15),
        date(2026, 1, 16),
        date(2026, 2, 15),
    )
    # Mar 31 back one month clamps to Feb 28: the previous period is still whole days before the start.
    assert period_ending(date(2025, 3, 30), "month").previous_end == date(2025, 2, 28)


def test_unknown_period_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown period"):
        period_ending(date(2026, 1, 1), "quarter")
