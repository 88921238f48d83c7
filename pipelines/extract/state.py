"""Durable extraction cursors under `$SMM_DATA_DIR/extract/<platform>.json`, written atomically.

One file per platform (platforms may be extracted in parallel); per entity × account: the time of
the last successful fetch. The next run starts from it
minus the restatement lookback; a new data dir starts `SMM_EXTRACT_HORIZON_DAYS` back. A platform
that numbers its items in order (Telegram message ids) also keeps the highest one fetched: the next
run asks only for newer ones, plus the lookback's posts for their counters.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEFAULT_LOOKBACK_DAYS = 28
DEFAULT_HORIZON_DAYS = 90


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number of days") from None
    if value < 0:
        raise ValueError(f"{name}={raw!r} must not be negative")
    return value


def lookback_days() -> int:
    return _int_env("SMM_EXTRACT_LOOKBACK_DAYS", DEFAULT_LOOKBACK_DAYS)


def horizon_days() -> int:
    return _int_env("SMM_EXTRACT_HORIZON_DAYS", DEFAULT_HORIZON_DAYS)


class ExtractState:
    def __init__(self, data_dir: Path, platform: str) -> None:
        self.platform = platform
        self.path = data_dir / "extract" / f"{platform}.json"
        self._cursors: dict[str, str] = {}
        self._positions: dict[str, int] = {}
        if self.path.exists():
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self._cursors = dict(loaded.get("last_success", {}))
            self._positions = {k: int(v) for k, v in loaded.get("positions", {}).items()}

    @staticmethod
    def key(entity: str, account_id: str) -> str:
        return f"{entity}/{account_id}"

    def last_success(self, entity: str, account_id: str) -> datetime | None:
        raw = self._cursors.get(self.key(entity, account_id))
        return datetime.fromisoformat(raw) if raw else None

    def window_start(self, entity: str, account_id: str, now: datetime) -> datetime:
        """Where an incremental fetch starts: the last success minus the lookback, or the horizon."""
        last = self.last_success(entity, account_id)
        if last is None:
            return now - timedelta(days=horizon_days())
        return min(last, now) - timedelta(days=lookback_days())

    def mark(self, entity: str, account_id: str, moment: datetime) -> None:
        self._cursors[self.key(entity, account_id)] = moment.astimezone(UTC).isoformat()

    def position(self, entity: str, account_id: str) -> int | None:
        """The highest item id fetched so far (None: never fetched)."""
        return self._positions.get(self.key(entity, account_id))

    def advance(self, entity: str, account_id: str, position: int) -> None:
        """Record a completed fetch up to `position`; a position never moves back."""
        key = self.key(entity, account_id)
        self._positions[key] = max(position, self._positions.get(key, position))

    def save(self) -> None:
        """Write atomically: a temp file in the same folder, fsynced, then renamed over the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.tmp")
        with temp.open("w", encoding="utf-8") as handle:
            document: dict[str, object] = {"last_success": dict(sorted(self._cursors.items()))}
            if self._positions:
                document["positions"] = dict(sorted(self._positions.items()))
            json.dump(document, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path)
