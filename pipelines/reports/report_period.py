"""The period a report covers and the one it is compared with (pure: no I/O).

A week is Monday to Sunday, a month a calendar month, both in the brand's local dates (the marts'
`date` columns). With no `--end`, the report covers the last complete period that ends on or before
the last date with data; `--end D` makes D the period's last day (a week D-6..D, a month the month
ending on D: D one month earlier + 1 day .. D).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_KINDS = ("week", "month")


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    start: date
    end: date
    previous_start: date
    previous_end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        return f"{self.kind} {self.start.isoformat()} – {self.end.isoformat()}"

    def previous_label(self) -> str:
        return f"{self.previous_start.isoformat()} – {self.previous_end.isoformat()}"


def _minus_one_month(day: date) -> date:
    """The same day a month earlier, clamped to that month's length (Mar 31 -> Feb 28)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def period_ending(end: date, kind: str) -> ReportPeriod:
    """The period of `kind` whose last day is `end`, and the equally long period just before it."""
    if kind == "week":
        start = end - timedelta(days=6)
        return ReportPeriod(kind, start, end, start - timedelta(days=7), start - timedelta(days=1))
    if kind == "month":
        if _is_month_end(end):  # a calendar month: compare with the whole previous calendar month
            start = end.replace(day=1)
            previous_end = start - timedelta(days=1)
            return ReportPeriod(kind, start, end, previous_end.replace(day=1), previous_end)
        start = _minus_one_month(end) + timedelta(days=1)
        previous_end = start - timedelta(days=1)
        return ReportPeriod(
            kind, start, end, _minus_one_month(previous_end) + timedelta(days=1), previous_end
        )
    raise ValueError(f"unknown period {kind!r}; expected one of {', '.join(PERIOD_KINDS)}")


def last_complete_period(last_date: date, kind: str) -> ReportPeriod:
    """The last complete week (ending on a Sunday) or calendar month ending on or before `last_date`."""
    if kind == "week":
        return period_ending(last_date - timedelta(days=(last_date.weekday() + 1) % 7), kind)
    if kind == "month":
        end = last_date if _is_month_end(last_date) else last_date.replace(day=1) - timedelta(days=1)
        return period_ending(end, kind)
    raise ValueError(f"unknown period {kind!r}; expected one of {', '.join(PERIOD_KINDS)}")
