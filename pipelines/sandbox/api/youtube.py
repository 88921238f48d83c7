"""YouTube Data API v3 (`/youtube/v3/...`): channels, playlistItems (uploads), videos, commentThreads,
search; lists page by `nextPageToken`. The key comes as `key=…`; errors name a `reason`, and a
daily quota (setting `youtube_quota`) ends in `quotaExceeded` as the live API does.
"""

from __future__ import annotations

import copy
import re
from typing import Any

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

P = "youtube"
LOOKUP_PATHS = ("/youtube/v3/playlistItems",)  # answered, but not a page the extractor captures


def _error(status: int, reason: str, message: str, extra: dict[str, Any] | None = None) -> Reply:
    return Reply(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [
                    {
                        "message": message,
                        "domain": "youtube.quota" if "uota" in reason else "global",
                        "reason": reason,
                    }
                ],
                **(extra or {}),
            }
        },
    )


def token(request: ApiRequest) -> str | None:
    return request.query.get("key")


def auth_error(request: ApiRequest) -> Reply:
    return _error(
        400, "badRequest", "API key not valid. Please pass a valid API key.", {"status": "INVALID_ARGUMENT"}
    )


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    reply = _error(
        403, "rateLimitExceeded", "The request cannot be completed because you have exceeded your quota."
    )
    reply.headers["Retry-After"] = str(retry_after)
    return reply


def quota_exceeded() -> Reply:
    return _error(
        403,
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your "
        '<a href="/youtube/v3/getting-started#quota">quota</a>.',
    )


def route(request: ApiRequest, world: World, paging: PagingOptions) -> Reply:
    q = request.query
    path = request.path.removeprefix("/youtube/v3/")
    if path == "channels":
        found = world.get(P, "channel", q.get("id", ""))
        if found is None:
            return Reply(
                200,
                {"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0, "resultsPerPage": 5}},
                is_page=True,
            )
        body = copy.deepcopy(found.response)
        if "contentDetails" in q.get("part", ""):
            for item in body.get("items", []):
                item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": "UU" + item["id"][2:]}}
        return Reply(200, body, is_page=True)
    if path == "playlistItems":
        found = world.get(P, "videos", "UC" + q.get("playlistId", "")[2:])
        items = [
            {
                "kind": "youtube#playlistItem",
                "id": f"PLI{v['id']}",
                "contentDetails": {"videoId": v["id"], "videoPublishedAt": v["snippet"]["publishedAt"]},
            }
            for v in (found.response.get("items", []) if found else [])
        ]
        return _paged({"kind": "youtube#playlistItemListResponse"}, items, request, paging)
    if path == "videos":
        wanted = q.get("id", "").split(",")
        by_id = {v["id"]: v for c in world.of_entity(P, "videos") for v in c.response.get("items", [])}
        items = [by_id[i] for i in wanted if i in by_id]
        body = {
            "kind": "youtube#videoListResponse",
            "items": items,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        }
        return Reply(200, body, is_page=True)
    if path == "commentThreads":
        found = world.get(P, "comment_threads", q.get("videoId", ""))
        items = found.response.get("items", []) if found else []
        return _paged({"kind": "youtube#commentThreadListResponse"}, items, request, paging)
    if path == "search":
        found = _best_search(world, q.get("q", ""))
        items = found.response.get("items", []) if found else []
        return _paged({"kind": "youtube#searchListResponse", "regionCode": "UA"}, items, request, paging)
    return _error(404, "notFound", f"unknown resource {request.path}")


def _paged(head: dict[str, Any], items: list[Any], request: ApiRequest, paging: PagingOptions) -> Reply:
    start = request.query.get("pageToken")
    try:
        offset = cursor_offset(start)
    except ValueError:
        return _error(400, "invalidPageToken", "The request specifies an invalid page token.")
    size = min(int_param(request.query, "maxResults", 5), paging.page_size)
    chunk, following = page_slice(items, offset, size)
    body = dict(head)
    if (next_token := cursor_token(following, paging, start is None)) is not None:
        body["nextPageToken"] = next_token
    body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": size}
    body["items"] = chunk
    return Reply(200, body, is_page=request.path not in LOOKUP_PATHS)


def _best_search(world: World, query: str) -> Capture | None:
    words = set(re.findall(r"\w+", query.lower()))
    scored = [
        (len(words & set(re.findall(r"\w+", str(c.params.get("q", "")).lower()))), c)
        for c in world.of_entity(P, "search")
    ]
    scored = [s for s in scored if s[0]]
    return max(scored, key=lambda s: s[0])[1] if scored else None
