"""TikTok Display API v2: user and videos. A response is an error when `error.code` is not "ok"."""

from __future__ import annotations

from pipelines.sandbox.generator import ids
from pipelines.sandbox.generator.common import Emit
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.world import Account, Post

P = "tiktok"
USER_FIELDS = "open_id,union_id,display_name,follower_count,following_count,likes_count,video_count"
VIDEO_FIELDS = "id,create_time,title,video_description,share_url,duration,like_count,comment_count,share_count,view_count"


def _ok(acc: Account, t: int, salt: str) -> dict:
    return {"code": "ok", "message": "", "log_id": f"{t}{ids.etag(acc.id + salt)[:16].upper()}"}


def captures(acc: Account, f: Fetch, emit: Emit) -> None:
    t = f.t
    likes = (
        acc.initial_followers * 17
        + acc.lifetime.get("likes", 0)
        + sum(p.value("likes", t) for p in acc.posts)
    )
    emit(
        P,
        "user",
        envelope(
            f,
            acc.id,
            "/v2/user/info/",
            acc.id,
            {"fields": USER_FIELDS},
            {
                "data": {
                    "user": {
                        "open_id": acc.id,
                        "union_id": f"u{ids.etag(acc.id)[:20]}",
                        "display_name": acc.brand.name,
                        "follower_count": acc.followers_at(t),
                        "following_count": 40 + acc.brand.index % 30,
                        "likes_count": likes,
                        "video_count": acc.posts_published_by(t),
                    }
                },
                "error": _ok(acc, t, "u"),
            },
        ),
    )
    videos = acc.listed(t)
    emit(
        P,
        "videos",
        envelope(
            f,
            acc.id,
            "/v2/video/list/",
            acc.id,
            {"fields": VIDEO_FIELDS, "max_count": 20},
            {
                "data": {
                    "videos": [_video(acc, v, t) for v in videos],
                    "cursor": videos[-1].published * 1000 if videos else 0,
                    "has_more": False,
                },
                "error": _ok(acc, t, "v"),
            },
        ),
    )


def _video(acc: Account, v: Post, t: int) -> dict:
    return {
        "id": v.id,
        "create_time": v.published,
        "title": v.text[:80],
        "video_description": v.text,
        "share_url": f"https://www.tiktok.com/@{acc.brand.handle}/video/{v.id}",
        "duration": 12 + v.published % 48,
        "like_count": v.value("likes", t),
        "comment_count": v.value("comments", t),
        "share_count": v.value("shares", t),
        "view_count": v.value("views", t),
    }
