"""Facebook Pages (Graph API): the page, its posts with reaction and comment summaries, and for the
own pages the post insights, page insights (daily follows and unfollows) and comments.

Posts are read newest first and stop at the first page reaching past the window; insights and
comments are read for the posts published inside it (their lifetime counters restate).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipelines.extract import graph
from pipelines.extract.base import AccountContext, Connector

POST_FIELDS = (
    "id,message,created_time,permalink_url,status_type,is_hidden,is_published,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)
POST_METRICS = "post_impressions_unique,post_clicks,post_media_view"
PAGE_METRICS = "page_follows,page_daily_follows_unique,page_daily_unfollows_unique"
COMMENT_FIELDS = "id,from{id,name},message,created_time,parent{id}"


def _created(item: dict[str, Any]) -> float:
    return datetime.strptime(item["created_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp()


def extract_account(ctx: AccountContext) -> None:
    page_id = ctx.account_id
    ctx.fetch(
        "page", "/{page-id}", graph.path(page_id), params={"fields": "id,name,followers_count,fan_count"}
    )
    since = ctx.since("posts").timestamp()
    posts: list[dict[str, Any]] = []
    for page in ctx.fetch(
        "posts",
        "/{page-id}/posts",
        graph.path(page_id, "posts"),
        params={"fields": POST_FIELDS, "limit": 25, "since": int(since)},
        paginator=graph.list_paginator(),
        data_selector="data",
        stop=lambda page: any(_created(p) < since for p in page.records if isinstance(p, dict)),
    ):
        posts += [p for p in page.records if isinstance(p, dict) and _created(p) >= since]
    if not ctx.brand.own:
        return  # insights and comments need the page's own token
    for post in posts:
        ctx.fetch(
            "post_insights",
            "/{post-id}/insights",
            graph.path(post["id"], "insights"),
            object_id=post["id"],
            params={"metric": POST_METRICS},
            data_selector="data",
        )
    for post in posts:
        if not ((post.get("comments") or {}).get("summary") or {}).get("total_count"):
            continue
        ctx.fetch(
            "comments",
            "/{post-id}/comments",
            graph.path(post["id"], "comments"),
            object_id=post["id"],
            params={"fields": COMMENT_FIELDS, "filter": "stream", "limit": 100},
            paginator=graph.list_paginator(),
            data_selector="data",
        )
    ctx.fetch(
        "page_insights",
        "/{page-id}/insights",
        graph.path(page_id, "insights"),
        params={
            "metric": PAGE_METRICS,
            "period": "day",
            "since": int(ctx.since("page_insights").timestamp()),
            "until": int(ctx.until.timestamp()),
        },
        data_selector="data",
    )


CONNECTOR = Connector(
    platform="facebook",
    base_url=graph.BASE_URL,
    make_auth=graph.auth,
    classify=graph.classify,
    extract_account=extract_account,
)
