"""X API v2: `/2/users/:id`, `/2/users/:id/tweets`, `/2/tweets/search/recent` (cursor `meta.next_token`).

X's rate limit answer is HTTP 429 with `x-rate-limit-reset` (epoch seconds), no `Retry-After`.
"""

from __future__ import annotations

import copy
import re
import time

from pipelines.sandbox.api.common import (
    ApiRequest,
    PagingOptions,
    Reply,
    cursor_offset,
    cursor_token,
    int_param,
    page_slice,
)
from pipelines.sandbox.api.world import World

P = "x"
_USER = re.compile(r"^/2/users/([^/]+)$")
_TWEETS = re.compile(r"^/2/users/([^/]+)/tweets$")


def token(request: ApiRequest) -> str | None:
    return request.bearer()


def auth_error(request: ApiRequest) -> Reply:
    return Reply(
        401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    )


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    reset = int(time.time()) + retry_after + 1  # whole seconds: never earlier than the window's end
    return Reply(
        429,
        {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
        {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )


def _not_found(what: str) -> Reply:
    return Reply(
        200,
        {"errors": [{"value": what, "detail": f"Could not find {what}.", "title": "Not Found Error"}]},
    )


def route(request: ApiRequest, world: World, paging: PagingOptions) -> Reply:
    if match := _USER.match(request.path):
        found = world.get(P, "user", match.group(1))
        return Reply(200, found.response, is_page=True) if found else _not_found(match.group(1))
    if match := _TWEETS.match(request.path):
        found = world.get(P, "tweets", match.group(1))
        return _paged(
            found.response if found else {"meta": {"result_count": 0}}, request, paging, "pagination_token"
        )
    if request.path == "/2/tweets/search/recent":
        found = _best_search(world, request.query.get("query", ""))
        return _paged(
            found.response if found else {"meta": {"result_count": 0}}, request, paging, "next_token"
        )
    return Reply(404, {"title": "Not Found", "status": 404, "detail": request.path})


def _paged(full: dict, request: ApiRequest, paging: PagingOptions, cursor_param: str) -> Reply:
    body = copy.deepcopy(full)
    tweets = body.pop("data", [])
    start = request.query.get(cursor_param)
    try:
        offset = cursor_offset(start)
    except ValueError:
        return Reply(400, {"title": "Invalid Request", "status": 400, "detail": f"bad {cursor_param}"})
    size = min(int_param(request.query, "max_results", 10), paging.page_size)
    chunk, following = page_slice(tweets, offset, size)
    meta: dict = {"result_count": len(chunk)}
    if chunk:
        body["data"] = chunk
        meta.update(newest_id=chunk[0]["id"], oldest_id=chunk[-1]["id"])
    if (token_value := cursor_token(following, paging, start is None)) is not None:
        meta["next_token"] = token_value
    body["meta"] = meta
    if "includes" in body:
        authors = {t.get("author_id") for t in chunk}
        users = [u for u in body["includes"].get("users", []) if u.get("id") in authors]
        if users:
            body["includes"] = {"users": users}
        else:
            body.pop("includes")
    return Reply(200, body, is_page=True)


def _best_search(world: World, query: str):
    words = set(re.findall(r"\w+", query.lower()))
    scored = []
    for capture in world.of_entity(P, "mentions"):
        overlap = len(words & set(re.findall(r"\w+", str(capture.params.get("query", "")).lower())))
        if overlap:
            scored.append((overlap, capture))
    return max(scored, key=lambda s: s[0])[1] if scored else None
