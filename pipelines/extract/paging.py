"""Offset paging that never skips an item: the next offset is this one plus the items received.

dlt's OffsetPaginator steps by `limit`, so a page shorter than `limit` before the end (VK's wall.get
and wall.getComments and LinkedIn's posts may answer fewer items than `count` asked for; the
sandbox's `--page-size` does) would make it jump past the items in between. Stepping by what came
back costs nothing when pages are full and re-reads nothing when they are short; an empty page or
reaching the total still ends the walk.
"""

from __future__ import annotations

from typing import Any

from dlt.sources.helpers.rest_client.paginators import OffsetPaginator
from requests import Response


class ReceivedOffsetPaginator(OffsetPaginator):
    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        self.value_step = len(data) if data else self.limit
        super().update_state(response, data)
