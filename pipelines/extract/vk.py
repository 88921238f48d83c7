"""VK API 5.199: the community (groups.getById), its wall, comments on recent own posts, and mentions.

Paging: wall.get and wall.getComments by `offset`/`count` against `response.count` (paging.py:
the offset steps by the items received); newsfeed.search by the `next_from` cursor
(JSONResponseCursorPaginator). The wall is read newest first and stops at the first page that reaches past the window. Errors come with
HTTP 200 in an `error` object: 6 (too many requests per second) and 9 (flood control) are rate
limits, 10 an internal error, 5 an invalid token.
"""

from __future__ import annotations

from typing import Any

from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from requests import Response

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.errors import ApiError, AuthFailed, RateLimited, Transient
from pipelines.extract.paging import ReceivedOffsetPaginator

VERSION = "5.199"
PAGE = 100
SEARCH_PAGE = 200
_RATE_LIMIT = {6, 9}  # too many requests per second; flood control
_AUTH = {5}  # user authorization failed (expired or revoked token)
_TRANSIENT = {1, 10}  # unknown error; internal server error


def classify(response: Response, body: Any) -> None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return
    code = error.get("error_code")
    message = f"VK error {code}: {error.get('error_msg', '')}"
    if code in _RATE_LIMIT:
        raise RateLimited(message, response)
    if code in _AUTH:
        raise AuthFailed(message, response)
    if code in _TRANSIENT:
        raise Transient(message, response)
    raise ApiError(message, response)


def offset_paginator() -> ReceivedOffsetPaginator:
    """wall.get, wall.getComments: `offset`/`count` until `response.count` items (or an empty page)."""
    return ReceivedOffsetPaginator(
        limit=PAGE, offset_param="offset", limit_param="count", total_path="response.count"
    )


def search_paginator() -> JSONResponseCursorPaginator:
    """newsfeed.search: `next_from` in the response, sent back as `start_from`; absent on the last page."""
    return JSONResponseCursorPaginator(cursor_path="response.next_from", cursor_param="start_from")


def extract_account(ctx: AccountContext) -> None:
    owner_id = ctx.account_id  # communities are negative owner ids
    ctx.fetch(
        "group",
        "groups.getById",
        "/method/groups.getById",
        params={"group_id": owner_id.lstrip("-"), "fields": "members_count", "v": VERSION},
    )
    since = ctx.since("wall").timestamp()
    posts: list[dict[str, Any]] = []
    for page in ctx.fetch(
        "wall",
        "wall.get",
        "/method/wall.get",
        params={"owner_id": owner_id, "count": PAGE, "filter": "owner", "v": VERSION},
        paginator=offset_paginator(),
        data_selector="response.items",
        stop=lambda page: _reaches_before(page.records, since),
    ):
        posts += [p for p in page.records if isinstance(p, dict)]
    if not ctx.brand.own:
        return  # comments and mentions are read for the own brands only
    for post in posts:
        if post.get("date", 0) < since or not (post.get("comments") or {}).get("count"):
            continue
        ctx.fetch(
            "comments",
            "wall.getComments",
            "/method/wall.getComments",
            object_id=f"{owner_id}_{post['id']}",
            params={
                "owner_id": owner_id,
                "post_id": str(post["id"]),
                "need_likes": 1,
                "count": PAGE,
                "sort": "asc",
                "v": VERSION,
            },
            paginator=offset_paginator(),
            data_selector="response.items",
        )
    ctx.fetch(
        "search",
        "newsfeed.search",
        "/method/newsfeed.search",
        params={
            "q": " OR ".join(ctx.competitor_names()),
            "start_time": int(ctx.since("search").timestamp()),
            "end_time": int(ctx.until.timestamp()),
            "count": SEARCH_PAGE,
            "extended": 0,
            "v": VERSION,
        },
        paginator=search_paginator(),
        data_selector="response.items",
    )


def _reaches_before(items: list[Any], since: float) -> bool:
    """Newest first: once a page holds a post older than the window, later pages are older still.

    A pinned post sits on top whatever its age, so it never ends the walk."""
    dates = [i.get("date", 0) for i in items if isinstance(i, dict) and not i.get("is_pinned")]
    return bool(dates) and min(dates) < since


CONNECTOR = Connector(
    platform="vk",
    base_url="https://api.vk.com",
    make_auth=lambda token: APIKeyAuth(name="access_token", api_key=token, location="query"),
    classify=classify,
    extract_account=extract_account,
)
