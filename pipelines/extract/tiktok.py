"""TikTok Display API v2: the authorised user's info and video list.

The Display API reads only the account that granted the token, so only own brands' accounts are
fetched (a competitor's TikTok needs the Research API, not supported). Video list paging is a POST
body `cursor` with `data.has_more` (JSONResponseCursorPaginator with a body path). Every reply has
an `error` object; anything but `"ok"` is an error: `rate_limit_exceeded` a rate limit,
`access_token_invalid` / `access_token_expired` a token to renew.
"""

from __future__ import annotations

from typing import Any

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from requests import Response

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.errors import ApiError, AuthFailed, RateLimited, Transient

USER_FIELDS = "open_id,union_id,display_name,follower_count,following_count,likes_count,video_count"
VIDEO_FIELDS = "id,create_time,title,video_description,share_url,duration,like_count,comment_count,share_count,view_count"
PAGE = 20  # the API's maximum
_AUTH = {"access_token_invalid", "access_token_expired", "scope_not_authorized", "scope_permission_missed"}
_TRANSIENT = {"internal_error"}


def classify(response: Response, body: Any) -> None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("code") == "ok":
        if response.status_code < 400 and not isinstance(error, dict):
            raise ApiError("TikTok reply without its error object", response)
        return
    code = error.get("code")
    message = f"TikTok {code}: {error.get('message', '')}"
    if code == "rate_limit_exceeded":
        raise RateLimited(message, response)
    if code in _AUTH:
        raise AuthFailed(message, response)
    if code in _TRANSIENT:
        raise Transient(message, response)
    raise ApiError(message, response)


def videos_paginator() -> JSONResponseCursorPaginator:
    """`data.cursor` sent back in the POST body while `data.has_more` is true."""
    return JSONResponseCursorPaginator(
        cursor_path="data.cursor", cursor_body_path="cursor", has_more_path="data.has_more"
    )


def extract_account(ctx: AccountContext) -> None:
    # The live API knows the user from the token; the sandbox serves several users and is told which.
    who = {"X-Sandbox-Open-Id": ctx.account_id}
    ctx.fetch(
        "user",
        "/v2/user/info/",
        "/v2/user/info/",
        params={"fields": USER_FIELDS},
        data_selector="data.user",
        headers=who,
    )
    since_ms = ctx.since("videos").timestamp() * 1000
    ctx.fetch(
        "videos",
        "/v2/video/list/",
        "/v2/video/list/",
        method="POST",
        params={"fields": VIDEO_FIELDS},
        json_body={"max_count": PAGE},
        paginator=videos_paginator(),
        data_selector="data.videos",
        headers=who,
        stop=lambda page: any(
            isinstance(v, dict) and v.get("create_time", 0) * 1000 < since_ms for v in page.records
        ),
    )


CONNECTOR = Connector(
    platform="tiktok",
    base_url="https://open.tiktokapis.com",
    make_auth=lambda token: BearerTokenAuth(token=token),
    classify=classify,
    extract_account=extract_account,
    own_only=True,
)
