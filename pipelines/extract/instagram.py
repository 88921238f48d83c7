"""Instagram Graph API (professional accounts): the user, its media, and for the own accounts media
insights, comments and daily follower counts.

Competitors are read by their user id like the own account. On the live API a competitor's profile
needs the `business_discovery` field of the own account instead; that is not supported yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipelines.extract import graph
from pipelines.extract.base import AccountContext, Connector

USER_FIELDS = "id,username,followers_count,follows_count,media_count"
MEDIA_FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
MEDIA_METRICS = "reach,views,saved,shares,total_interactions"
COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id,like_count"


def _published(item: dict[str, Any]) -> float:
    return datetime.strptime(item["timestamp"], "%Y-%m-%dT%H:%M:%S%z").timestamp()


def extract_account(ctx: AccountContext) -> None:
    user_id = ctx.account_id
    ctx.fetch("user", "/{ig-user-id}", graph.path(user_id), params={"fields": USER_FIELDS})
    since = ctx.since("media").timestamp()
    media: list[dict[str, Any]] = []
    for page in ctx.fetch(
        "media",
        "/{ig-user-id}/media",
        graph.path(user_id, "media"),
        params={"fields": MEDIA_FIELDS, "limit": 25},
        paginator=graph.list_paginator(),
        data_selector="data",
        stop=lambda page: any(_published(m) < since for m in page.records if isinstance(m, dict)),
    ):
        media += [m for m in page.records if isinstance(m, dict) and _published(m) >= since]
    if not ctx.brand.own:
        return
    for item in media:
        ctx.fetch(
            "media_insights",
            "/{ig-media-id}/insights",
            graph.path(item["id"], "insights"),
            object_id=item["id"],
            params={"metric": MEDIA_METRICS},
            data_selector="data",
        )
    for item in media:
        if not item.get("comments_count"):
            continue
        ctx.fetch(
            "comments",
            "/{ig-media-id}/comments",
            graph.path(item["id"], "comments"),
            object_id=item["id"],
            params={"fields": COMMENT_FIELDS},
            paginator=graph.list_paginator(),
            data_selector="data",
        )
    ctx.fetch(
        "user_insights",
        "/{ig-user-id}/insights",
        graph.path(user_id, "insights"),
        params={
            "metric": "follower_count",
            "period": "day",
            "since": int(ctx.since("user_insights").timestamp()),
            "until": int(ctx.until.timestamp()),
        },
        data_selector="data",
    )


CONNECTOR = Connector(
    platform="instagram",
    base_url=graph.BASE_URL,
    make_auth=graph.auth,
    classify=graph.classify,
    extract_account=extract_account,
)
