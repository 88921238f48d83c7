"""LinkedIn Pages (Marketing API, versioned REST): follower snapshots, posts, share and follower statistics.

Collections are `{"elements": [...], "paging": {...}}`; times are epoch milliseconds (UTC).
Errors are `{"status": 4xx/5xx, "serviceErrorCode": …, "code": …, "message": …}`.
"""

from __future__ import annotations

from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    expect_list,
    from_epoch_millis,
    platform_text,
    required_str,
    to_count,
    to_float,
    to_int,
    to_str,
    type_name,
    whole_response,
)


def error_of(response: Any) -> str | None:
    """The API error in a body (an HTTP status ≥ 400 or a serviceErrorCode), else None."""
    if not isinstance(response, dict):
        return f"response is a JSON {type_name(response)}, not an object"
    status = response.get("status")
    failed_status = isinstance(status, int) and not isinstance(status, bool) and status >= 400
    if not failed_status and response.get("serviceErrorCode") is None:
        return None
    parts = [f"status {status}" if status is not None else "no status"]
    if response.get("serviceErrorCode") is not None:
        parts.append(f"serviceErrorCode {response['serviceErrorCode']}")
    if response.get("code"):
        parts.append(str(response["code"]))
    return f"{', '.join(parts)}: {str(response.get('message') or 'no message')[:300]}"


def _elements(capture: Capture) -> list[Any]:
    """`elements[]`; a body without it is not a collection response and is rejected whole."""
    response = expect_dict(capture.response, "response")
    if "elements" not in response:
        raise Rejected('elements: missing; a collection response is {"elements": [...]}')
    return expect_list(response["elements"], "elements")


def _organization_row(element: Any, capture: Capture) -> dict[str, Any]:
    body = expect_dict(element, "response")
    # networkSizes has the follower count and nothing else: without it the snapshot is empty
    # (e.g. an organization lookup landed in this folder).
    if body.get("firstDegreeSize") is None:
        raise Rejected("firstDegreeSize: missing; not a networkSizes response")
    return {
        "organization_urn": capture.object_id or capture.account_id,
        "follower_count": to_count(body["firstDegreeSize"], "firstDegreeSize"),
    }


def _post_row(element: Any, capture: Capture) -> dict[str, Any]:
    post = expect_dict(element, "elements[]")
    return {
        "post_urn": required_str(post.get("id"), "id"),
        "author_urn": to_str(post.get("author"), "author"),
        "commentary": platform_text(post.get("commentary"), "commentary", html_escaped=False),
        "created_at": from_epoch_millis(post.get("createdAt"), "createdAt"),
        "published_at": from_epoch_millis(post.get("publishedAt"), "publishedAt"),
        "lifecycle_state": to_str(post.get("lifecycleState"), "lifecycleState"),
        "visibility": to_str(post.get("visibility"), "visibility"),
    }


def _organization_of(element: dict[str, Any], capture: Capture) -> str | None:
    return (
        to_str(element.get("organizationalEntity"), "organizationalEntity")
        or capture.object_id
        or capture.account_id
    )


def _share_statistics_row(element: Any, capture: Capture) -> dict[str, Any]:
    """Lifetime statistics of one share, or of the whole organisation when no share is named."""
    item = expect_dict(element, "elements[]")
    if item.get("timeRange") is not None:
        # The schema holds lifetime totals; a time-bound element stored there would pass a day's
        # numbers off as a post's lifetime.
        raise Rejected("timeRange: time-bound share statistics, not a lifetime total")
    stats = item.get("totalShareStatistics")
    if stats is None:
        raise Rejected("totalShareStatistics: missing")
    expect_dict(stats, "totalShareStatistics")

    def count(name: str) -> int | None:
        return to_count(stats.get(name), f"totalShareStatistics.{name}")

    return {
        "share_urn": to_str(item.get("share"), "share") or to_str(item.get("ugcPost"), "ugcPost"),
        "organization_urn": _organization_of(item, capture),
        "click_count": count("clickCount"),
        "comment_count": count("commentCount"),
        "engagement": to_float(stats.get("engagement"), "totalShareStatistics.engagement"),
        "impression_count": count("impressionCount"),
        "like_count": count("likeCount"),
        "share_count": count("shareCount"),
        "unique_impressions_count": count("uniqueImpressionsCount"),
    }


def _follower_statistics_row(element: Any, capture: Capture) -> dict[str, Any]:
    """One day's follower gains. Lifetime demographic breakdowns (no timeRange) are refused visibly."""
    item = expect_dict(element, "elements[]")
    if item.get("timeRange") is None:
        raise Rejected("timeRange: missing; lifetime follower breakdown, not a daily series")
    start = from_epoch_millis(dig(item, "timeRange", "start"), "timeRange.start")
    if start is None:
        raise Rejected("timeRange.start: missing")
    return {
        "organization_urn": _organization_of(item, capture),
        "time_range_start": start,
        "time_range_end": from_epoch_millis(dig(item, "timeRange", "end"), "timeRange.end"),
        # LinkedIn reports net daily gains: a day with more unfollows than follows is negative.
        "organic_follower_gain": to_int(
            dig(item, "followerGains", "organicFollowerGain"), "followerGains.organicFollowerGain"
        ),
        "paid_follower_gain": to_int(
            dig(item, "followerGains", "paidFollowerGain"), "followerGains.paidFollowerGain"
        ),
    }


PARSERS: dict[str, EntityParser] = {
    "organization": EntityParser(records=whole_response, row=_organization_row),
    "posts": EntityParser(records=_elements, row=_post_row),
    "share_statistics": EntityParser(records=_elements, row=_share_statistics_row),
    "follower_statistics": EntityParser(records=_elements, row=_follower_statistics_row),
}
