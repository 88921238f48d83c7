"""TikTok Display API v2: `GET /v2/user/info/`, `POST /v2/video/list/` (cursor = create_time in ms).

Every reply carries an `error` object; `code` is "ok" on success. The token names the user (the
Display API reads the authorised account), so the sandbox takes the open_id from the request body's
`open_id` hint or, failing that, serves the first account whose id the token ends with.
"""

from __future__ import annotations

import copy

from pipelines.sandbox.api.common import ApiRequest, PagingOptions, Reply, int_param
from pipelines.sandbox.api.world import World

P = "tiktok"


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(
        status, {"data": {}, "error": {"code": code, "message": message, "log_id": "20260101SANDBOX"}}
    )


def token(request: ApiRequest) -> str | None:
    return request.bearer()


def auth_error(request: ApiRequest) -> Reply:
    return _error(401, "access_token_invalid", "The access token is invalid or not found in the request.")


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    reply = _error(429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.")
    reply.headers["Retry-After"] = str(retry_after)
    return reply


def _open_id(request: ApiRequest) -> str:
    # The real API knows the user from the token; the sandbox is told by a header the connector sends.
    return request.headers.get("x-sandbox-open-id", "")


def route(request: ApiRequest, world: World, paging: PagingOptions) -> Reply:
    open_id = _open_id(request)
    if request.path == "/v2/user/info/":
        found = world.get(P, "user", open_id)
        if found is None:
            return _error(404, "invalid_params", f"no user {open_id!r}")
        return Reply(200, found.response, is_page=True)
    if request.path == "/v2/video/list/" and request.method == "POST":
        found = world.get(P, "videos", open_id)
        if found is None:
            return _error(404, "invalid_params", f"no user {open_id!r}")
        body = copy.deepcopy(found.response)
        videos = body["data"]["videos"]
        request_body = request.body if isinstance(request.body, dict) else {}
        cursor = request_body.get("cursor")
        if cursor:
            videos = [v for v in videos if v["create_time"] * 1000 < int(cursor)]
        size = min(int_param({"n": str(request_body.get("max_count", 20))}, "n", 20), paging.page_size)
        chunk = videos[:size]
        body["data"]["videos"] = chunk
        body["data"]["has_more"] = len(videos) > len(chunk)
        last = chunk[-1]["create_time"] * 1000 if chunk else int(cursor or 0)
        body["data"]["cursor"] = int(cursor) if paging.repeat_cursor and cursor else last
        return Reply(200, body, is_page=True)
    return _error(404, "invalid_params", f"unknown endpoint {request.method} {request.path}")
