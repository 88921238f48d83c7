"""Offset paging steps by the items a page really holds, so a short page skips nothing."""

from __future__ import annotations

import json

from dlt.sources.helpers.rest_client.auth import APIKeyAuth

from pipelines.extract import vk
from pipelines.extract.http import PlatformClient, RetrySettings
from pipelines.sandbox.api.server import Sandbox
from pipelines.sandbox.api.world import World


def test_a_wall_page_shorter_than_count_is_followed_by_the_next_item_not_the_next_hundred(real_fixtures):
    first = json.loads((real_fixtures / "vk" / "vknet__wall_get_extended.json").read_text())
    second = json.loads((real_fixtures / "vk" / "vknet__wall_get_repost_poll_geo.json").read_text())
    items = [*first["response"]["items"], *second["response"]["items"]]
    # wall.get asked for 100 posts answers one of two (the real pages were asked for one post each).
    pages = [{"response": {"count": len(items), "items": [item]}} for item in items]
    with Sandbox(World(day="2026-01-01")) as sandbox:
        sandbox.script("/method/wall.get", [("0", pages[0]), ("1", pages[1])], "offset")
        client = PlatformClient(
            base_url=sandbox.base_url,
            auth=APIKeyAuth(name="access_token", api_key="vk-tok", location="query"),
            classify=vk.classify,
            retry=RetrySettings(attempts=2, backoff_factor=0.05, timeout_seconds=2),
        )
        fetched = list(
            client.pages(
                "/method/wall.get",
                params={"owner_id": "-1", "v": vk.VERSION},
                paginator=vk.offset_paginator(),
                data_selector="response.items",
            )
        )
    assert [record for page in fetched for record in page.records] == items
    assert sandbox.counters.pages["vk"] == 2
