"""YouTube Data API v3: the channel, its recent uploads (uploads playlist → videos.list), comment
threads on the own channel's recent videos, and mentions (search, own brands).

Lists page by `nextPageToken` sent back as `pageToken` (JSONResponseCursorPaginator). The uploads
playlist is read only to learn video ids and is not captured (the landing has no such entity).
The API key travels as `key=…` in the query; captures are redacted before writing. Errors carry
`error.errors[].reason`: `quotaExceeded` / `dailyLimitExceeded` end YouTube for the day,
`rateLimitExceeded` / `userRateLimitExceeded` are retried, an invalid key is a key to renew.
Own channels also get the Reporting API's `channel_basic_a3` report (youtube_reporting.py), which
needs the channel owner's OAuth credentials (`SMM_YOUTUBE_OAUTH_CREDENTIALS`), not the key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from requests import Response

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.errors import ApiError, AuthFailed, QuotaExceeded, RateLimited, Transient
from pipelines.extract.youtube_reporting import extract_reports

VIDEOS_PER_CALL = 50  # videos.list takes at most 50 ids
_QUOTA = {"quotaExceeded", "dailyLimitExceeded"}
_RATE = {"rateLimitExceeded", "userRateLimitExceeded"}
_AUTH = {"keyInvalid", "keyExpired", "authError", "accessNotConfigured"}
_TRANSIENT = {"backendError", "internalError"}


def classify(response: Response, body: Any) -> None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return
    reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
    message = (
        f"YouTube {error.get('code')} {'/'.join(sorted(r for r in reasons if r))}: {error.get('message', '')}"
    )
    if reasons & _QUOTA:
        raise QuotaExceeded(message, response)
    if reasons & _RATE:
        raise RateLimited(message, response)
    if reasons & _AUTH or "API key not valid" in str(error.get("message", "")):
        raise AuthFailed(message, response)
    if reasons & _TRANSIENT:
        raise Transient(message, response)
    raise ApiError(message, response)


def page_token_paginator() -> JSONResponseCursorPaginator:
    return JSONResponseCursorPaginator(cursor_path="nextPageToken", cursor_param="pageToken")


def _time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def extract_account(ctx: AccountContext) -> None:
    channel_id = ctx.account_id
    (channel,) = ctx.fetch(
        "channel",
        "/youtube/v3/channels",
        "/youtube/v3/channels",
        params={"part": "snippet,statistics,contentDetails", "id": channel_id},
        data_selector="items",
    ) or [None]
    if channel is None or not channel.records:
        return
    uploads = ((channel.records[0].get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
    since = ctx.since("videos").timestamp()
    video_ids = _recent_uploads(ctx, uploads, since) if uploads else []
    for start in range(0, len(video_ids), VIDEOS_PER_CALL):
        batch = video_ids[start : start + VIDEOS_PER_CALL]
        ctx.fetch(
            "videos",
            "/youtube/v3/videos",
            "/youtube/v3/videos",
            params={"part": "snippet,statistics", "id": ",".join(batch)},
            data_selector="items",
        )
    if not ctx.brand.own:
        return
    for video_id in video_ids:
        ctx.fetch(
            "comment_threads",
            "/youtube/v3/commentThreads",
            "/youtube/v3/commentThreads",
            object_id=video_id,
            params={"part": "snippet,replies", "videoId": video_id, "maxResults": 100, "order": "time"},
            paginator=page_token_paginator(),
            data_selector="items",
        )
    ctx.fetch(
        "search",
        "/youtube/v3/search",
        "/youtube/v3/search",
        params={
            "part": "snippet",
            "q": "|".join(f'"{name}"' for name in ctx.competitor_names()),
            "type": "video",
            "order": "date",
            "publishedAfter": ctx.since("search").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "maxResults": 50,
        },
        paginator=page_token_paginator(),
        data_selector="items",
    )
    extract_reports(ctx, classify=classify, paginator=page_token_paginator)


def _recent_uploads(ctx: AccountContext, playlist_id: str, since: float) -> list[str]:
    """Ids of the uploads published inside the window (newest first; not captured)."""
    ids: list[str] = []
    for page in ctx.client.pages(
        "/youtube/v3/playlistItems",
        params={"part": "contentDetails", "playlistId": playlist_id, "maxResults": 50},
        paginator=page_token_paginator(),
        data_selector="items",
        stop=lambda page: any(_published(i) < since for i in page.records),
    ):
        ids += [i["contentDetails"]["videoId"] for i in page.records if _published(i) >= since]
    return ids


def _published(item: Any) -> float:
    details = item.get("contentDetails", {}) if isinstance(item, dict) else {}
    return _time(details.get("videoPublishedAt", "1970-01-01T00:00:00Z"))


CONNECTOR = Connector(
    platform="youtube",
    base_url="https://www.googleapis.com",
    make_auth=lambda key: APIKeyAuth(name="key", api_key=key, location="query"),
    classify=classify,
    extract_account=extract_account,
)
