"""TikTok: Display API v2 (`user/info`, `video/list`).

Every response carries `error.code`; "ok" means success, anything else means the page is an
error even when `data` is present.
"""

from __future__ import annotations

from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    from_epoch_seconds,
    list_at,
    platform_text,
    required_str,
    to_count,
    to_str,
    type_name,
)


def error_of(response: Any) -> str | None:
    """A non-`ok` `error.code` (with its message and log id), or a body that is not an object."""
    if not isinstance(response, dict):
        return f"response is not a JSON object (got {type_name(response)})"
    error = response.get("error")
    if error is None:
        return None
    if not isinstance(error, dict):
        return f"error: {str(error)[:200]}"
    code = error.get("code")
    if code == "ok":
        return None
    parts = [str(code), str(error.get("message") or "")]
    if error.get("log_id"):
        parts.append(f"(log_id {error['log_id']})")
    return " ".join(p for p in parts if p)


def _user(capture: Capture) -> list[Any]:
    """The one account in `data.user`; a success body without it is a broken shape."""
    user = dig(capture.response, "data", "user")
    if user is None:
        raise Rejected("data.user: missing")
    return [user]


def _videos(capture: Capture) -> list[Any]:
    return list_at(capture.response, "data", "videos")


def _user_row(user: Any, capture: Capture) -> dict[str, Any]:
    """Account snapshot: followers, following, total likes received, videos."""
    user = expect_dict(user, "data.user")
    return {
        "open_id": required_str(user.get("open_id"), "data.user.open_id"),
        "display_name": platform_text(user.get("display_name"), "data.user.display_name", html_escaped=False),
        "follower_count": to_count(user.get("follower_count"), "data.user.follower_count"),
        "following_count": to_count(user.get("following_count"), "data.user.following_count"),
        "likes_count": to_count(user.get("likes_count"), "data.user.likes_count"),
        "video_count": to_count(user.get("video_count"), "data.user.video_count"),
    }


def _video_row(video: Any, capture: Capture) -> dict[str, Any]:
    """One video with lifetime counters; `create_time` is unix seconds."""
    video = expect_dict(video, "data.videos[]")
    return {
        "video_id": required_str(video.get("id"), "data.videos[].id"),
        "created_at": from_epoch_seconds(video.get("create_time"), "data.videos[].create_time"),
        "title": platform_text(video.get("title"), "data.videos[].title", html_escaped=False),
        "description": platform_text(
            video.get("video_description"), "data.videos[].video_description", html_escaped=False
        ),
        "share_url": to_str(video.get("share_url"), "data.videos[].share_url"),
        "like_count": to_count(video.get("like_count"), "data.videos[].like_count"),
        "comment_count": to_count(video.get("comment_count"), "data.videos[].comment_count"),
        "share_count": to_count(video.get("share_count"), "data.videos[].share_count"),
        "view_count": to_count(video.get("view_count"), "data.videos[].view_count"),
    }


PARSERS: dict[str, EntityParser] = {
    "user": EntityParser(records=_user, row=_user_row),
    "videos": EntityParser(records=_videos, row=_video_row),
}
