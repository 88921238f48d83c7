"""Instagram professional accounts (Instagram Graph API): user snapshots, media, insights, comments.

Same Graph API conventions as Facebook (`graph.py`). Media counters are lifetime values at
`fetched_at`; `user_insights` `follower_count` is new followers per day.
"""

from __future__ import annotations

from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    dig,
    expect_dict,
    platform_text,
    required_str,
    to_count,
    to_str,
    to_ts,
    whole_response,
)
from pipelines.parsers.graph import (
    MetricValue,
    edge_data,
    graph_error,
    insight_object_id,
    insight_records,
    metric_value_columns,
)


def error_of(response: Any) -> str | None:
    """The Graph API error in a body (`{"error": {...}}`), or why it is not a response object."""
    return graph_error(response)


def _user_row(element: Any, capture: Capture) -> dict[str, Any]:
    user = expect_dict(element, "response")
    return {
        "user_id": required_str(user.get("id"), "id"),
        "username": to_str(user.get("username"), "username"),
        "followers_count": to_count(user.get("followers_count"), "followers_count"),
        "follows_count": to_count(user.get("follows_count"), "follows_count"),
        "media_count": to_count(user.get("media_count"), "media_count"),
    }


def _media_row(element: Any, capture: Capture) -> dict[str, Any]:
    media = expect_dict(element, "data[]")
    return {
        "media_id": required_str(media.get("id"), "id"),
        "caption": platform_text(media.get("caption"), "caption", html_escaped=False),
        "media_type": to_str(media.get("media_type"), "media_type"),
        "media_product_type": to_str(media.get("media_product_type"), "media_product_type"),
        "permalink": to_str(media.get("permalink"), "permalink"),
        "published_at": to_ts(media.get("timestamp"), "timestamp"),
        # like_count is absent when the owner hid likes: NULL, not 0.
        "like_count": to_count(media.get("like_count"), "like_count"),
        "comments_count": to_count(media.get("comments_count"), "comments_count"),
    }


def _media_insight_row(record: MetricValue, capture: Capture) -> dict[str, Any]:
    columns = metric_value_columns(record)
    return {"media_id": insight_object_id(record, capture, fallback_to_account=False), **columns}


def _user_insight_row(record: MetricValue, capture: Capture) -> dict[str, Any]:
    columns = metric_value_columns(record)
    return {"user_id": insight_object_id(record, capture, fallback_to_account=True), **columns}


def _comment_row(element: Any, capture: Capture) -> dict[str, Any]:
    comment = expect_dict(element, "data[]")
    return {
        "comment_id": required_str(comment.get("id"), "id"),
        "media_id": capture.object_id,
        # `from.id` is what tells the own account's replies apart (responsiveness).
        "author_id": to_str(dig(comment, "from", "id"), "from.id"),
        "author_username": to_str(comment.get("username"), "username")
        or to_str(dig(comment, "from", "username"), "from.username"),
        "text": platform_text(comment.get("text"), "text", html_escaped=False),
        "created_time": to_ts(comment.get("timestamp"), "timestamp"),
        "parent_comment_id": to_str(comment.get("parent_id"), "parent_id"),
    }


PARSERS: dict[str, EntityParser] = {
    "user": EntityParser(records=whole_response, row=_user_row),
    "media": EntityParser(records=edge_data, row=_media_row),
    "media_insights": EntityParser(records=insight_records, row=_media_insight_row),
    "user_insights": EntityParser(records=insight_records, row=_user_insight_row),
    "comments": EntityParser(records=edge_data, row=_comment_row),
}
