"""Facebook Pages (Graph API): page snapshots, posts, post and page insights, comments.

Grain of each entity is stated in `pipelines/schemas.py`; the response shapes are the
landing contract's. Counters are lifetime values at `fetched_at`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    platform_text,
    required_str,
    to_bool,
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


def _page_row(element: Any, capture: Capture) -> dict[str, Any]:
    page = expect_dict(element, "response")
    return {
        "page_id": required_str(page.get("id"), "id"),
        "page_name": platform_text(page.get("name"), "name", html_escaped=False),
        # Older API versions have no followers_count (only fan_count): NULL, never guessed from fans.
        "followers_count": to_count(page.get("followers_count"), "followers_count"),
        "fan_count": to_count(page.get("fan_count"), "fan_count"),
    }


def _shares_count(post: dict[str, Any]) -> int | None:
    """`shares.count`; the Graph API omits `shares` when a post has none.

    That omission only means 0 when the engagement fields were requested: a post that also carries
    `reactions` or `comments` summaries came from the contract's request. A bare post
    (`fields=id,message,created_time`) says nothing about shares, so it stays NULL.
    """
    if "shares" in post:
        return to_count(dig(post, "shares", "count"), "shares.count")
    if "reactions" in post or "comments" in post:
        return 0
    return None


def _post_row(element: Any, capture: Capture) -> dict[str, Any]:
    post = expect_dict(element, "data[]")
    return {
        "post_id": required_str(post.get("id"), "id"),
        "message": platform_text(post.get("message"), "message", html_escaped=False),
        "created_time": to_ts(post.get("created_time"), "created_time"),
        "permalink_url": to_str(post.get("permalink_url"), "permalink_url"),
        "status_type": to_str(post.get("status_type"), "status_type"),
        "is_hidden": to_bool(post.get("is_hidden"), "is_hidden"),
        "is_published": to_bool(post.get("is_published"), "is_published"),
        "shares_count": _shares_count(post),
        # The total over all reaction types (like, love, wow, …): the warehouse's `likes`.
        "reactions_total": to_count(
            dig(post, "reactions", "summary", "total_count"), "reactions.summary.total_count"
        ),
        "comments_total": to_count(
            dig(post, "comments", "summary", "total_count"), "comments.summary.total_count"
        ),
    }


def _post_insight_row(record: MetricValue, capture: Capture) -> dict[str, Any]:
    columns = metric_value_columns(record)
    return {"post_id": insight_object_id(record, capture, fallback_to_account=False), **columns}


def _page_insight_row(record: MetricValue, capture: Capture) -> dict[str, Any]:
    columns = metric_value_columns(record)
    return {"page_id": insight_object_id(record, capture, fallback_to_account=True), **columns}


def _ids_from_permalink(permalink: str | None, post_id: str | None) -> tuple[str | None, str | None]:
    """(comment id, parent comment id) from a comment permalink, when `id` was not requested.

    Permalinks look like `…/posts/{post}/?comment_id={c}` for a top-level comment and
    `…?comment_id={c}&reply_comment_id={r}` for a reply to `c`. Graph API comment ids are
    `{post object id}_{comment fbid}`, so the derived ids use the same spelling and match the ids
    (and `parent.id`) of captures that did request `id`.
    """
    if not permalink:
        return None, None
    parts = urlsplit(permalink)
    query = parse_qs(parts.query)
    comment = (query.get("comment_id") or [None])[0]
    reply = (query.get("reply_comment_id") or [None])[0]
    if not comment:
        return None, None
    post_part = _post_object_part(post_id, parts.path)

    def spell(fbid: str) -> str:
        return f"{post_part}_{fbid}" if post_part else fbid

    if reply:
        return spell(reply), spell(comment)
    return spell(comment), None


def _post_object_part(post_id: str | None, path: str) -> str | None:
    """The post's own object id: `{page}_{post}` → `post`, else the `/posts/{post}` path segment."""
    if post_id and "_" in post_id:
        return post_id.rsplit("_", 1)[1]
    segments = [s for s in path.split("/") if s]
    if "posts" in segments:
        index = segments.index("posts")
        if index + 1 < len(segments) and segments[index + 1].isdigit():
            return segments[index + 1]
    return None


def _comment_row(element: Any, capture: Capture) -> dict[str, Any]:
    comment = expect_dict(element, "data[]")
    post_id = capture.object_id
    permalink = to_str(comment.get("permalink_url"), "permalink_url")
    derived_id, derived_parent = _ids_from_permalink(permalink, post_id)
    comment_id = to_str(comment.get("id"), "id") or derived_id
    if not comment_id:
        raise Rejected("id: missing, and no comment_id in permalink_url to derive it from")
    return {
        "comment_id": comment_id,
        "post_id": post_id,
        "author_id": to_str(dig(comment, "from", "id"), "from.id"),
        "author_name": platform_text(dig(comment, "from", "name"), "from.name", html_escaped=False),
        "message": platform_text(comment.get("message"), "message", html_escaped=False),
        "created_time": to_ts(comment.get("created_time"), "created_time"),
        "parent_comment_id": to_str(dig(comment, "parent", "id"), "parent.id") or derived_parent,
    }


PARSERS: dict[str, EntityParser] = {
    "page": EntityParser(records=whole_response, row=_page_row),
    "posts": EntityParser(records=edge_data, row=_post_row),
    "post_insights": EntityParser(records=insight_records, row=_post_insight_row),
    "page_insights": EntityParser(records=insight_records, row=_page_insight_row),
    "comments": EntityParser(records=edge_data, row=_comment_row),
}
