"""YouTube: Data API v3 responses and the Reporting API `channel_basic_a3` CSV.

The Data API sends every count as a decimal string ("20100"); `to_count` reads those. A count
the API leaves out (likes hidden by the owner, subscribers hidden) is NULL, never 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    list_at,
    platform_text,
    required_str,
    to_bool,
    to_count,
    to_date_yyyymmdd,
    to_float,
    to_str,
    to_ts,
    type_name,
    whole_response,
)


def error_of(response: Any) -> str | None:
    """The Data API error body `{"error": {"code", "message"}}`; a non-object body is an error too.

    A `channel_basic_a3` CSV row reaches here as a dict of header → value and has no `error`.
    """
    if not isinstance(response, dict):
        return f"response is not a JSON object (got {type_name(response)})"
    error = response.get("error")
    if error is None:
        return None
    if isinstance(error, dict):
        return f"{error.get('code')} {error.get('message') or ''}".strip()
    return str(error)[:200]


def _items(capture: Capture) -> list[Any]:
    return list_at(capture.response, "items")


# ---------------------------------------------------------------- channel


def _channel_row(item: Any, capture: Capture) -> dict[str, Any]:
    """One channel's statistics snapshot (counts arrive as strings)."""
    item = expect_dict(item, "items[]")

    def stat(name: str) -> Any:
        return dig(item, "statistics", name)

    return {
        "channel_id": required_str(item.get("id"), "id"),
        "title": platform_text(dig(item, "snippet", "title"), "snippet.title", html_escaped=False),
        "view_count": to_count(stat("viewCount"), "statistics.viewCount"),
        "subscriber_count": to_count(stat("subscriberCount"), "statistics.subscriberCount"),
        "hidden_subscriber_count": to_bool(stat("hiddenSubscriberCount"), "statistics.hiddenSubscriberCount"),
        "video_count": to_count(stat("videoCount"), "statistics.videoCount"),
    }


# ---------------------------------------------------------------- videos


def _video_row(item: Any, capture: Capture) -> dict[str, Any]:
    """One video's lifetime statistics; `likeCount` is absent when the owner hides likes (NULL)."""
    item = expect_dict(item, "items[]")

    def snip(name: str) -> Any:
        return dig(item, "snippet", name)

    def stat(name: str) -> Any:
        return dig(item, "statistics", name)

    return {
        "video_id": required_str(item.get("id"), "id"),
        "channel_id": to_str(snip("channelId"), "snippet.channelId"),
        "published_at": to_ts(snip("publishedAt"), "snippet.publishedAt"),
        "title": platform_text(snip("title"), "snippet.title", html_escaped=False),
        "description": platform_text(snip("description"), "snippet.description", html_escaped=False),
        "view_count": to_count(stat("viewCount"), "statistics.viewCount"),
        "like_count": to_count(stat("likeCount"), "statistics.likeCount"),
        "comment_count": to_count(stat("commentCount"), "statistics.commentCount"),
        "favorite_count": to_count(stat("favoriteCount"), "statistics.favoriteCount"),
    }


# ---------------------------------------------------------------- comment threads


@dataclass(frozen=True)
class _ThreadComment:
    """One comment of a thread: the top-level comment (reply=None) or one of its replies.

    `problem` carries a shape error found while flattening, so that only this record is
    quarantined instead of the whole page.
    """

    thread: Any
    reply: Any = None
    problem: str | None = None


def _thread_comments(capture: Capture) -> Iterator[_ThreadComment]:
    """Flatten threads: the top-level comment, then each reply returned in `replies.comments`."""
    for thread in _items(capture):
        yield _ThreadComment(thread)
        if not isinstance(thread, dict):
            continue
        try:
            replies = list_at(thread, "replies", "comments")
        except Rejected as exc:
            yield _ThreadComment(thread, problem=str(exc))
            continue
        for reply in replies:
            yield _ThreadComment(thread, reply=reply)


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _display_text(value: Any, field: str) -> str | None:
    """`textDisplay` is HTML (links as <a>, line breaks as <br />, `&#39;`): used only when a
    capture lacks `textOriginal`; tags are dropped before the entities are unescaped."""
    markup = to_str(value, field)
    if markup is None:
        return None
    return platform_text(_TAG.sub("", _BREAK.sub("\n", markup)), field, html_escaped=True)


def _comment_row(element: _ThreadComment, capture: Capture) -> dict[str, Any]:
    """A top-level comment (parent NULL) or a reply (parent = the top-level comment's id)."""
    if element.problem is not None:
        raise Rejected(element.problem)
    thread = expect_dict(element.thread, "items[]")
    thread_id = required_str(thread.get("id"), "id")
    top = dig(thread, "snippet", "topLevelComment")
    top_id = to_str(dig(top, "id"), "snippet.topLevelComment.id") or thread_id
    if element.reply is None:
        if top is None:
            raise Rejected("snippet.topLevelComment: missing")
        where = "snippet.topLevelComment"
        comment = expect_dict(top, where)
        comment_id, parent_id = top_id, None
    else:
        where = "replies.comments[]"
        comment = expect_dict(element.reply, where)
        comment_id = required_str(comment.get("id"), f"{where}.id")
        parent_id = to_str(dig(comment, "snippet", "parentId"), f"{where}.snippet.parentId") or top_id
    raw_snippet = comment.get("snippet")
    snippet = {} if raw_snippet is None else expect_dict(raw_snippet, f"{where}.snippet")
    if snippet.get("textOriginal") is not None:
        text = platform_text(snippet.get("textOriginal"), f"{where}.snippet.textOriginal", html_escaped=False)
    else:
        text = _display_text(snippet.get("textDisplay"), f"{where}.snippet.textDisplay")
    # Threads carry the video and channel; a reply's own snippet repeats them (older API versions).
    video_id = dig(thread, "snippet", "videoId") or snippet.get("videoId")
    channel_id = dig(thread, "snippet", "channelId") or snippet.get("channelId")
    return {
        "comment_id": comment_id,
        "thread_id": thread_id,
        "video_id": to_str(video_id, "snippet.videoId"),
        "channel_id": to_str(channel_id, "snippet.channelId"),
        "author_channel_id": to_str(
            dig(snippet, "authorChannelId", "value"), f"{where}.snippet.authorChannelId.value"
        ),
        "author_display_name": platform_text(
            snippet.get("authorDisplayName"), f"{where}.snippet.authorDisplayName", html_escaped=False
        ),
        "text": text,
        "published_at": to_ts(snippet.get("publishedAt"), f"{where}.snippet.publishedAt"),
        "like_count": to_count(snippet.get("likeCount"), f"{where}.snippet.likeCount"),
        "parent_comment_id": parent_id,
    }


# ---------------------------------------------------------------- search


def _search_row(item: Any, capture: Capture) -> dict[str, Any]:
    """A video found by search; channel and playlist results are not mentions."""
    item = expect_dict(item, "items[]")
    kind = dig(item, "id", "kind")
    if kind is not None and kind != "youtube#video":
        raise Rejected(f"id.kind: not a video result ({str(kind)[:40]})")

    def snip(name: str) -> Any:
        return dig(item, "snippet", name)

    return {
        "video_id": required_str(dig(item, "id", "videoId"), "id.videoId"),
        "channel_id": to_str(snip("channelId"), "snippet.channelId"),
        "channel_title": platform_text(snip("channelTitle"), "snippet.channelTitle", html_escaped=True),
        "published_at": to_ts(snip("publishedAt"), "snippet.publishedAt"),
        "title": platform_text(snip("title"), "snippet.title", html_escaped=True),
        "description": platform_text(snip("description"), "snippet.description", html_escaped=True),
    }


# ---------------------------------------------------------------- channel_basic_a3 (Reporting API CSV)

_A3_TEXT = ("channel_id", "video_id", "live_or_on_demand", "subscribed_status", "country_code")
_A3_MEASURES = (  # in the dataset's column order; False = integer count, True = decimal
    ("views", False),
    ("comments", False),
    ("likes", False),
    ("dislikes", False),
    ("shares", False),
    ("watch_time_minutes", True),
    ("average_view_duration_seconds", True),
    ("subscribers_gained", False),
    ("subscribers_lost", False),
)


def _a3_row(record: Any, capture: Capture) -> dict[str, Any]:
    """One breakdown row of the report: values are strings, an empty cell is NULL.

    `date` is the Pacific-time report day (YYYYMMDD); headers are matched case-insensitively.
    """
    record = expect_dict(record, "CSV row")
    cells = {
        k.strip().lstrip("\ufeff").lower(): (v.strip() if isinstance(v, str) else v)
        for k, v in record.items()
        if isinstance(k, str)  # extra cells without a header (csv restkey) are not columns
    }

    def cell(name: str) -> Any:
        value = cells.get(name)
        return None if value == "" else value

    report_date = to_date_yyyymmdd(cell("date"), "date")
    if report_date is None:
        raise Rejected("date: missing")
    row: dict[str, Any] = {"report_date": report_date}
    for name in _A3_TEXT:
        row[name] = to_str(cell(name), name)
    if row["channel_id"] is None:
        raise Rejected("channel_id: missing")
    for name, decimal in _A3_MEASURES:
        value = to_float(cell(name), name) if decimal else to_count(cell(name), name)
        if value is not None and value < 0:
            raise Rejected(f"{name}: negative value {value}")
        row[name] = value
    return row


PARSERS: dict[str, EntityParser] = {
    "channel": EntityParser(records=_items, row=_channel_row),
    "videos": EntityParser(records=_items, row=_video_row),
    "comment_threads": EntityParser(records=_thread_comments, row=_comment_row),
    "search": EntityParser(records=_items, row=_search_row),
    "channel_basic_a3": EntityParser(records=whole_response, row=_a3_row),
}
