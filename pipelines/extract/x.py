"""X API v2: the user, its timeline (tweets and replies) and mentions (recent search, own brands).

Paging is the `meta.next_token` cursor (JSONResponseCursorPaginator): `pagination_token` for a
timeline, `next_token` for search. A 429 says when the window resets in `x-rate-limit-reset`
(epoch seconds) rather than `Retry-After`; we turn one into the other so dlt's retry waits for it.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from requests import Response

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.errors import ApiError, RateLimited

TWEET_FIELDS = "created_at,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,lang"
PAGE = 100
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=1)  # recent search reaches back 7 days


def classify(response: Response, body: Any) -> None:
    if response.status_code == 429:
        reset = response.headers.get("x-rate-limit-reset", "")
        if "Retry-After" not in response.headers and reset.isdigit():
            response.headers["Retry-After"] = str(max(1, int(reset) - int(time.time())))
        raise RateLimited("X rate limit (HTTP 429)", response)
    if response.status_code == 200 and isinstance(body, dict) and "errors" in body and "data" not in body:
        first = body["errors"][0] if body["errors"] else {}
        raise ApiError(f"X error: {first.get('title', '')}: {first.get('detail', '')}", response)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def timeline_paginator() -> JSONResponseCursorPaginator:
    return JSONResponseCursorPaginator(cursor_path="meta.next_token", cursor_param="pagination_token")


def search_paginator() -> JSONResponseCursorPaginator:
    return JSONResponseCursorPaginator(cursor_path="meta.next_token", cursor_param="next_token")


def extract_account(ctx: AccountContext) -> None:
    user_id = ctx.account_id
    ctx.fetch(
        "user",
        "/2/users/:id",
        f"/2/users/{user_id}",
        params={"user.fields": "public_metrics,created_at"},
        data_selector="data",
    )
    ctx.fetch(
        "tweets",
        "/2/users/:id/tweets",
        f"/2/users/{user_id}/tweets",
        params={"tweet.fields": TWEET_FIELDS, "max_results": PAGE, "start_time": _iso(ctx.since("tweets"))},
        paginator=timeline_paginator(),
        data_selector="data",
    )
    if not ctx.brand.own:
        return
    # A mention names a brand by any alias (domain.md): other scripts, `@handle` (X's mention
    # operator) and `#hashtag` too; searching the names alone would miss those mentions.
    terms = dict.fromkeys(term for b in ctx.competitor_brands() for term in (b.name, *b.aliases))
    names = " OR ".join(f'"{term}"' if " " in term else term for term in terms)
    start = max(ctx.since("mentions"), ctx.run_started - SEARCH_WINDOW)
    ctx.fetch(
        "mentions",
        "/2/tweets/search/recent",
        "/2/tweets/search/recent",
        params={
            "query": f"({names}) -is:retweet",
            "tweet.fields": TWEET_FIELDS + ",author_id",
            "expansions": "author_id",
            "user.fields": "public_metrics",
            "max_results": PAGE,
            "start_time": _iso(start),
        },
        paginator=search_paginator(),
        data_selector="data",
    )


CONNECTOR = Connector(
    platform="x",
    base_url="https://api.x.com",
    make_auth=lambda token: BearerTokenAuth(token=token),
    classify=classify,
    extract_account=extract_account,
)
