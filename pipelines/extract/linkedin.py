"""LinkedIn Marketing API (versioned REST): network size, posts, and for the own organisations share
statistics (per post and lifetime totals) and daily follower gains.

Every call carries `LinkedIn-Version` (a pinned YYYYMM) and `X-Restli-Protocol-Version: 2.0.0`.
Posts page by `start`/`count` against `paging.total` (paging.py: by items received). Rest.li 2.0 query
values such as `List(urn%3Ali%3Ashare%3A1,…)` and `(timeRange:(start:…,end:…),…)` must keep their
parentheses, commas and colons unescaped while the URNs inside are escaped; `requests` would escape
them all, so those queries are written here and sent as part of the path. URNs in paths are escaped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from requests import Response

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.errors import AuthFailed
from pipelines.extract.paging import ReceivedOffsetPaginator

VERSION = "202411"
PAGE = 50
SHARES_PER_CALL = 20
_AUTH_CODES = {"INVALID_ACCESS_TOKEN", "EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN"}


def classify(response: Response, body: Any) -> None:
    if isinstance(body, dict) and body.get("code") in _AUTH_CODES:
        raise AuthFailed(f"LinkedIn {body.get('status')} {body['code']}: {body.get('message', '')}", response)


def posts_paginator() -> ReceivedOffsetPaginator:
    return ReceivedOffsetPaginator(
        limit=PAGE, offset_param="start", limit_param="count", total_path="paging.total"
    )


def _urn(value: str) -> str:
    return quote(value, safe="")


def extract_account(ctx: AccountContext) -> None:
    org = ctx.account_id
    ctx.fetch(
        "organization",
        f"/rest/networkSizes/{org}",
        f"/rest/networkSizes/{_urn(org)}",
        params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
    )
    since_ms = ctx.since("posts").timestamp() * 1000
    posts: list[dict[str, Any]] = []
    for page in ctx.fetch(
        "posts",
        "/rest/posts",
        "/rest/posts",
        params={"author": org, "q": "author", "count": PAGE, "sortBy": "LAST_MODIFIED"},
        paginator=posts_paginator(),
        data_selector="elements",
        stop=lambda page: any(_published_ms(p) < since_ms for p in page.records),
    ):
        posts += [p for p in page.records if _published_ms(p) >= since_ms]
    if not ctx.brand.own:
        return
    shares = [p["id"] for p in posts if isinstance(p.get("id"), str)]
    for start in range(0, len(shares), SHARES_PER_CALL):
        batch = shares[start : start + SHARES_PER_CALL]
        listed = f"List({','.join(batch)})"
        ctx.fetch(
            "share_statistics",
            "/rest/organizationalEntityShareStatistics",
            "/rest/organizationalEntityShareStatistics?q=organizationalEntity"
            f"&organizationalEntity={_urn(org)}&shares=List({','.join(_urn(s) for s in batch)})",
            capture_params={"q": "organizationalEntity", "organizationalEntity": org, "shares": listed},
            data_selector="elements",
        )
    ctx.fetch(  # lifetime totals of the organisation
        "share_statistics",
        "/rest/organizationalEntityShareStatistics",
        f"/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={_urn(org)}",
        capture_params={"q": "organizationalEntity", "organizationalEntity": org},
        data_selector="elements",
    )
    start_ms, end_ms = (
        int(ctx.since("follower_statistics").timestamp() * 1000),
        int(ctx.until.timestamp() * 1000),
    )
    intervals = f"(timeRange:(start:{start_ms},end:{end_ms}),timeGranularityType:DAY)"
    ctx.fetch(
        "follower_statistics",
        "/rest/organizationalEntityFollowerStatistics",
        "/rest/organizationalEntityFollowerStatistics?q=organizationalEntity"
        f"&organizationalEntity={_urn(org)}&timeIntervals={intervals}",
        capture_params={"q": "organizationalEntity", "organizationalEntity": org, "timeIntervals": intervals},
        data_selector="elements",
    )


def _published_ms(post: Any) -> float:
    if not isinstance(post, dict):
        return 0
    return float(post.get("publishedAt") or post.get("createdAt") or 0)


CONNECTOR = Connector(
    platform="linkedin",
    base_url="https://api.linkedin.com",
    make_auth=lambda token: BearerTokenAuth(token=token),
    classify=classify,
    extract_account=extract_account,
    headers={"LinkedIn-Version": VERSION, "X-Restli-Protocol-Version": "2.0.0"},
)
