"""What a run re-parses, carried as Dagster run tags so the CLI, schedules and the UI launch it alike.

A normal run re-parses only landing files that are new or changed (the parse cache, keyed by
content, knows the rest). Two ways to ask for more, for example after a cache was copied from
elsewhere or to re-run a date range by hand:

- `smm/full_refresh=true`: parse every landing file again;
- `smm/since=YYYY-MM-DD`, `smm/until=YYYY-MM-DD` (either may be absent): parse again the files
  whose fetch date, taken from the file name, falls in the range, both ends included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

FULL_REFRESH_TAG = "smm/full_refresh"
SINCE_TAG = "smm/since"
UNTIL_TAG = "smm/until"
_DAILY = re.compile(r"^(\d{4}-\d{2}-\d{2})\.")
_EXPORT = re.compile(r"^(\d{8})T\d{6}Z_")


class RunOptionsError(ValueError):
    pass


def landing_file_date(path: Path) -> date | None:
    """The fetch date a landing file's name carries (`2026-03-02.jsonl`, `20260302T060000Z_x.csv`)."""
    try:
        if match := _DAILY.match(path.name):
            return date.fromisoformat(match.group(1))
        if match := _EXPORT.match(path.name):
            return datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        return None  # a name like 2026-13-45.jsonl: no date, so no range selects it
    return None


def _parse_date(value: str | None, tag: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RunOptionsError(f"run tag {tag}={value!r} is not a date; use YYYY-MM-DD") from None


@dataclass(frozen=True)
class RunOptions:
    full_refresh: bool = False
    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise RunOptionsError(f"since {self.since} is after until {self.until}")

    @classmethod
    def from_tags(cls, tags: Mapping[str, str]) -> RunOptions:
        return cls(
            full_refresh=tags.get(FULL_REFRESH_TAG, "").lower() == "true",
            since=_parse_date(tags.get(SINCE_TAG), SINCE_TAG),
            until=_parse_date(tags.get(UNTIL_TAG), UNTIL_TAG),
        )

    def to_tags(self) -> dict[str, str]:
        tags = {FULL_REFRESH_TAG: "true"} if self.full_refresh else {}
        if self.since:
            tags[SINCE_TAG] = self.since.isoformat()
        if self.until:
            tags[UNTIL_TAG] = self.until.isoformat()
        return tags

    @property
    def has_range(self) -> bool:
        return self.since is not None or self.until is not None

    def reparse(self, path: Path) -> bool:
        """Whether this run parses `path` again even when the cache has it."""
        if self.full_refresh:
            return True
        if not self.has_range:
            return False
        fetched = landing_file_date(path)
        if fetched is None:
            return False
        return (self.since is None or fetched >= self.since) and (self.until is None or fetched <= self.until)

    def describe(self) -> str:
        if self.full_refresh:
            return "full refresh: every landing file parsed again"
        if self.has_range:
            return f"re-parsing landing files fetched {self.since or '…'} to {self.until or '…'}"
        return "incremental: only new or changed landing files parsed"
