"""Graph API (`/vXX.X/<id>[/<edge>]`) for Facebook Pages and Instagram: nodes, lists, insights.

Which platform a request is for follows from the id (a page or post id is Facebook, an IG user or
media id is Instagram), as on the live API where one host serves both. Lists page by `paging.next`,
a full URL carrying the access token like the real one (the extractor must redact it); insights
carry previous/next links to adjacent time windows that a client must not follow.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urlencode

from pipelines.sandbox.api.common import (
    ApiRequest,
    PagingOptions,
    Reply,
    cursor_offset,
    cursor_token,
    int_param,
    page_slice,
)
from pipelines.sandbox.api.world import Capture, World

PATH = re.compile(r"^/(v\d+\.\d+)/([^/]+)(?:/([a-z_]+))?$")
LIVE = "https://graph.facebook.com"
# (edge, platform, entity) in lookup order; "" is the node itself.
_ENTITIES = {
    "": (("facebook", "page"), ("instagram", "user")),
    "posts": (("facebook", "posts"),),
    "media": (("instagram", "media"),),
    "insights": (
        ("facebook", "post_insights"),
        ("facebook", "page_insights"),
        ("instagram", "media_insights"),
        ("instagram", "user_insights"),
    ),
    "comments": (("facebook", "comments"), ("instagram", "comments")),
}
# Ids of a known kind whose edge simply has nothing yet (a post without comments).
_EMPTY_OK = {"comments": (("facebook", "posts"), ("instagram", "media"))}


def token(request: ApiRequest) -> str | None:
    return request.bearer() or request.query.get("access_token")


def _error(status: int, code: int, message: str, kind: str = "OAuthException", **extra: object) -> Reply:
    body = {
        "error": {"message": message, "type": kind, "code": code, "fbtrace_id": "ASandboxTrace0", **extra}
    }
    return Reply(status, body)


def auth_error(request: ApiRequest) -> Reply:
    return _error(
        401,
        190,
        "Error validating access token: Session has expired on Friday, 04-Dec-26 10:00:00 PST.",
        error_subcode=463,
    )


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    reply = _error(400, 4, "(#4) Application request limit reached", is_transient=True)
    minutes = max(1, retry_after) / 60
    reply.headers["X-Business-Use-Case-Usage"] = (
        '{"0": [{"type": "pages", "call_count": 100, "total_cputime": 40, "total_time": 40, '
        f'"estimated_time_to_regain_access": {minutes:.4f}}}]}}'
    )
    reply.headers["Retry-After"] = str(retry_after)
    return reply


def resolve(request: ApiRequest, world: World) -> tuple[str, Capture | None] | None:
    """(platform, capture) for this path; capture None when the object is known but has no data."""
    match = PATH.match(request.path)
    if not match:
        return None
    object_id, edge = match.group(2), match.group(3) or ""
    for platform, entity in _ENTITIES.get(edge, ()):
        if (found := world.get(platform, entity, object_id)) is not None:
            return platform, found
    for platform, entity in _EMPTY_OK.get(edge, ()):
        for capture in world.of_entity(platform, entity):
            if any(item.get("id") == object_id for item in capture.response.get("data", [])):
                return platform, None
    return None


def platform_of(request: ApiRequest, world: World) -> str | None:
    resolved = resolve(request, world)
    return resolved[0] if resolved else None


def route(request: ApiRequest, world: World, paging: PagingOptions) -> Reply:
    resolved = resolve(request, world)
    if resolved is None:
        return _error(
            400,
            100,
            "Unsupported get request. Object does not exist or cannot be loaded.",
            "GraphMethodException",
        )
    _, found = resolved
    match = PATH.match(request.path)
    assert match is not None
    edge = match.group(3) or ""
    if edge == "":
        return Reply(200, found.response if found else {}, is_page=True)
    if edge == "insights":
        assert found is not None
        body = copy.deepcopy(found.response)
        if body.get("data") and body["data"][0].get("period") == "day":
            body["paging"] = {
                "previous": _link(request, {"since": 0, "until": 1}),
                "next": _link(request, {"since": 2, "until": 3}),
            }
        return Reply(200, body, is_page=True)
    items = found.response.get("data", []) if found else []
    after = request.query.get("after")
    try:
        offset = cursor_offset(after)
    except ValueError:
        return _error(400, 100, "Invalid cursor", "GraphMethodException")
    size = min(int_param(request.query, "limit", 25), paging.page_size)
    chunk, following = page_slice(items, offset, size)
    body = {"data": chunk}
    if chunk:
        body["paging"] = {"cursors": {"before": f"sbx{offset:06d}", "after": f"sbx{offset + len(chunk):06d}"}}
        if (next_cursor := cursor_token(following, paging, after is None)) is not None:
            body["paging"]["next"] = _link(request, {"after": next_cursor})
    return Reply(200, body, is_page=True)


def _link(request: ApiRequest, changes: dict[str, object]) -> str:
    """A paging URL as Graph writes it: the live host, every parameter, and the caller's token."""
    query = {k: v for k, v in request.query.items() if k not in ("after", "access_token")}
    query = {"access_token": token(request) or "", **query, **changes}
    return f"{LIVE}{request.path}?{urlencode(query)}"
