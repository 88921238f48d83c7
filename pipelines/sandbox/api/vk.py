"""VK API (`/method/<name>`): groups.getById, wall.get, wall.getComments, newsfeed.search.

VK answers errors with HTTP 200 and an `error` object; its rate limit is error 6, with no header.
"""

from __future__ import annotations

import copy

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

P = "vk"


def _error(code: int, message: str, request: ApiRequest) -> Reply:
    params = [{"key": "method", "value": request.path.rsplit("/", 1)[-1]}, {"key": "v", "value": "5.199"}]
    return Reply(200, {"error": {"error_code": code, "error_msg": message, "request_params": params}})


def token(request: ApiRequest) -> str | None:
    return request.query.get("access_token")


def auth_error(request: ApiRequest) -> Reply:
    return _error(5, "User authorization failed: invalid access_token (4).", request)


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    return _error(6, "Too many requests per second", request)


def route(request: ApiRequest, world: World, paging: PagingOptions) -> Reply:
    method = request.path.removeprefix("/method/")
    q = request.query
    if method == "groups.getById":
        found = world.get(P, "group", f"-{q.get('group_id', '').lstrip('-')}")
        if found is None:
            return _error(100, "One of the parameters specified was missing or invalid: group_id", request)
        return Reply(200, found.response, is_page=True)
    if method in ("wall.get", "wall.getComments"):
        if method == "wall.get":
            found = world.get(P, "wall", q.get("owner_id", ""))
            if found is None:
                return _error(15, "Access denied: wall is disabled", request)
        else:
            found = world.get(P, "comments", f"{q.get('owner_id', '')}_{q.get('post_id', '')}")
        body = copy.deepcopy(found.response) if found else {"response": {"count": 0, "items": []}}
        items = body["response"].get("items", [])
        size = min(int_param(q, "count", 20), paging.page_size)
        body["response"]["items"], _ = page_slice(items, int_param(q, "offset", 0), size)
        return Reply(200, body, is_page=True)
    if method == "newsfeed.search":
        found = _best_search(world, q.get("q", ""))
        items = found.response["response"].get("items", []) if found else []
        start = request.query.get("start_from")
        try:
            offset = cursor_offset(start)
        except ValueError:
            return _error(100, "One of the parameters specified was missing or invalid: start_from", request)
        size = min(int_param(q, "count", 30), paging.page_size)
        chunk, following = page_slice(items, offset, size)
        response = {"items": chunk, "count": len(items), "total_count": len(items)}
        if (token_value := cursor_token(following, paging, start is None)) is not None:
            response["next_from"] = token_value
        return Reply(200, {"response": response}, is_page=True)
    return _error(3, f"Unknown method passed: {method}", request)


def _best_search(world: World, query: str):
    """The generated search whose query shares most words with this one (searches are per brand set)."""
    words = set(query.lower().split())
    scored = [
        (len(words & set(str(c.params.get("q", "")).lower().split())), c)
        for c in world.of_entity(P, "search")
    ]
    scored = [s for s in scored if s[0]]
    return max(scored, key=lambda s: s[0])[1] if scored else None
