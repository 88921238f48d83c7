"""One extractor run (fetch) and the capture envelope every JSONL line carries."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from pipelines.sandbox.generator.timeutil import iso_z

FETCH_HOURS = (6, 14, 22)  # UTC; three runs a day


@dataclass
class Fetch:
    """A run starting at `t` (epoch s, UTC). Items created at or before `t` are visible to it;
    searches return what appeared since the previous run (`prev`)."""

    t: int
    slot: int
    prev: int
    rng: Random

    @property
    def morning(self) -> bool:
        """The first run of the day also pulls daily series and exports."""
        return self.slot == 0

    def stamp(self) -> str:
        """fetched_at of one request: a few seconds after the run started."""
        return iso_z(self.t + self.rng.randint(0, 9))


def envelope(
    fetch: Fetch, account_id: str, endpoint: str, object_id: str, params: dict[str, Any], response: Any
) -> dict[str, Any]:
    return {
        "fetched_at": fetch.stamp(),
        "account_id": account_id,
        "endpoint": endpoint,
        "object_id": object_id,
        "params": params,
        "response": response,
    }
