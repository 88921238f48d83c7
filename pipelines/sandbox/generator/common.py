"""Small helpers the platform writers share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from pipelines.sandbox.generator import ids
from pipelines.sandbox.generator.timeutil import day_start, local_midnight, utc_date
from pipelines.sandbox.generator.world import Account

Emit = Callable[[str, str, dict[str, Any]], None]  # (platform, entity, envelope)

SERIES_DAYS = 3  # daily series are re-pulled for the last 3 closed days (platforms restate recent days)


def graph_cursor(text: str) -> str:
    return "QVFIU" + ids.etag(text)[:40]


def closed_local_days(account: Account, fetch_t: int) -> list[tuple[date, int, int]]:
    """The last SERIES_DAYS brand-local days closed before the fetch: (date, start, end) in epoch s."""
    tz = account.brand.timezone
    today = utc_date(fetch_t)
    days: list[tuple[date, int, int]] = []
    for back in range(SERIES_DAYS + 1, 0, -1):
        d = today - timedelta(days=back)
        start, end = local_midnight(d, tz), local_midnight(d + timedelta(days=1), tz)
        if end <= fetch_t:
            days.append((d, start, end))
    return days[-SERIES_DAYS:]


def closed_utc_days(fetch_t: int) -> list[tuple[date, int, int]]:
    today = utc_date(fetch_t)
    return [
        (
            today - timedelta(days=back),
            day_start(today - timedelta(days=back)),
            day_start(today - timedelta(days=back - 1)),
        )
        for back in range(SERIES_DAYS, 0, -1)
    ]


def split(total: int, weights: list[float]) -> list[int]:
    """Integer shares of `total` proportional to `weights` that sum exactly to `total` (largest remainder)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    parts = [int(r) for r in raw]
    rest = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[:rest]:
        parts[i] += 1
    return parts
