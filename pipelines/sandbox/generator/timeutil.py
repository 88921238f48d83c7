"""Time helpers for the generator: everything is epoch seconds (UTC) inside, formatted per platform outside.

Platforms spell time differently (Graph `+0000`, X milliseconds `Z`, LinkedIn epoch ms, VK/TikTok epoch
seconds, Telethon `+00:00`, Telegram Desktop local naive time); each writer picks its formatter here so
a format lives in one place.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

HOUR = 3600
DAY = 86400
_EPOCH_DAY = date(1970, 1, 1).toordinal()


def day_start(d: date) -> int:
    """Epoch seconds of 00:00 UTC on `d`."""
    return (d.toordinal() - _EPOCH_DAY) * DAY


def utc_date(t: int) -> date:
    return date.fromordinal(t // DAY + _EPOCH_DAY)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=65536)
def local_midnight(d: date, tz: str) -> int:
    """Epoch seconds of 00:00 local time on `d` in `tz` (the instant a local day starts)."""
    return int(datetime(d.year, d.month, d.day, tzinfo=zone(tz)).timestamp())


def local_time(d: date, hour: int, minute: int, tz: str) -> int:
    """Epoch seconds of a local wall-clock time (DST-aware)."""
    return int(datetime(d.year, d.month, d.day, hour, minute, tzinfo=zone(tz)).timestamp())


def local_dt(t: int, tz: str) -> datetime:
    return datetime.fromtimestamp(t, zone(tz))


def iso_z(t: int) -> str:
    """2026-03-02T06:00:03Z — envelopes' fetched_at, YouTube."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def iso_ms_z(t: int) -> str:
    """2026-03-01T09:00:00.000Z — X API v2."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))


def graph(t: int) -> str:
    """2026-03-01T09:15:00+0000 — Facebook / Instagram Graph API."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(t))


def telethon(t: int) -> str:
    """2026-03-01T08:00:00+00:00 — Telethon `to_dict()` rendered as JSON."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))


def space_utc(t: int) -> str:
    """2026-03-02 14:05:00 — listening Variant A (no offset = UTC)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


def iso_offset(t: int, tz: str) -> str:
    """2026-03-02T16:05:00+02:00 — listening Variant B (local time with its offset)."""
    return local_dt(t, tz).isoformat(timespec="seconds")


def local_naive(t: int, tz: str) -> str:
    """2026-03-01T11:00:00 — Telegram Desktop export (exporting machine's local time, no offset)."""
    return local_dt(t, tz).replace(tzinfo=None).isoformat(timespec="seconds")


def file_stamp(t: int) -> str:
    """20260302T060000Z — the fetch-time prefix of export file names."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
