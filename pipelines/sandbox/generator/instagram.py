"""Instagram Graph API (professional accounts): user, media, media_insights, user_insights, comments.

Competitors: user and media (public counters); insights and comments: own account only.
"""

from __future__ import annotations

from pipelines.sandbox.generator import ids
from pipelines.sandbox.generator.common import Emit, closed_local_days, graph_cursor
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.timeutil import graph
from pipelines.sandbox.generator.world import Account, Comment, Post

P = "instagram"
MEDIA_FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
MEDIA_TYPE = {
    "photo": ("IMAGE", "FEED"),
    "carousel": ("CAROUSEL_ALBUM", "FEED"),
    "reel": ("VIDEO", "REELS"),
    "video": ("VIDEO", "FEED"),
}
INSIGHTS = (
    (
        "reach",
        "Accounts reached",
        "The number of unique accounts that have seen the media object at least once.",
    ),
    ("views", "Views", "The number of times the media object was played or displayed."),
    ("saved", "Saved", "The number of unique accounts that saved the media object."),
    ("shares", "Shares", "The number of shares of the media object."),
    (
        "total_interactions",
        "Interactions",
        "Likes, saves, comments and shares, minus unlikes, unsaves and deleted comments.",
    ),
)


def captures(acc: Account, f: Fetch, emit: Emit) -> None:
    t = f.t
    follows = 310 + acc.brand.index % 40
    emit(
        P,
        "user",
        envelope(
            f,
            acc.id,
            "/{ig-user-id}",
            acc.id,
            {"fields": "id,username,followers_count,follows_count,media_count"},
            {
                "id": acc.id,
                "username": acc.brand.handle,
                "followers_count": acc.followers_at(t),
                "follows_count": follows,
                "media_count": acc.posts_published_by(t),
            },
        ),
    )
    posts = acc.listed(t)
    response: dict = {"data": [_media(p, t) for p in posts]}
    if posts:
        response["paging"] = {
            "cursors": {"before": graph_cursor(posts[0].id), "after": graph_cursor(posts[-1].id)}
        }
    emit(
        P,
        "media",
        envelope(f, acc.id, "/{ig-user-id}/media", acc.id, {"fields": MEDIA_FIELDS, "limit": 25}, response),
    )
    if not acc.own:
        return
    for p in posts:
        values = _insight_values(p, t)
        emit(
            P,
            "media_insights",
            envelope(
                f,
                acc.id,
                "/{ig-media-id}/insights",
                p.id,
                {"metric": ",".join(m[0] for m in INSIGHTS)},
                {
                    "data": [
                        {
                            "name": name,
                            "period": "lifetime",
                            "values": [{"value": values[name]}],
                            "title": title,
                            "description": description,
                            "id": f"{p.id}/insights/{name}/lifetime",
                        }
                        for name, title, description in INSIGHTS
                    ]
                },
            ),
        )
    for p in posts:
        comments = p.comments_at(t)
        if comments:
            emit(
                P,
                "comments",
                envelope(
                    f,
                    acc.id,
                    "/{ig-media-id}/comments",
                    p.id,
                    {"fields": "id,text,timestamp,username,from,parent_id,like_count"},
                    {
                        "data": [_comment(c) for c in comments],
                        "paging": {
                            "cursors": {
                                "before": graph_cursor(comments[0].id),
                                "after": graph_cursor(comments[-1].id),
                            }
                        },
                    },
                ),
            )
    if f.morning:
        _user_insights(acc, f, emit)


def _media(p: Post, t: int) -> dict:
    media_type, product = MEDIA_TYPE.get(p.kind, ("IMAGE", "FEED"))
    code = ids.etag(p.id)[:11]
    path = "reel" if product == "REELS" else "p"
    return {
        "id": p.id,
        "caption": p.text,
        "media_type": media_type,
        "media_product_type": product,
        "permalink": f"https://www.instagram.com/{path}/{code}/",
        "timestamp": graph(p.published),
        "like_count": p.value("likes", t),
        "comments_count": p.value("comments", t),
    }


def _insight_values(p: Post, t: int) -> dict[str, int]:
    likes, comments, saves, shares = (p.value(m, t) for m in ("likes", "comments", "saves", "shares"))
    return {
        "reach": p.value("reach", t),
        "views": p.value("views", t),
        "saved": saves,
        "shares": shares,
        "total_interactions": likes + comments + saves + shares,
    }


def _comment(c: Comment) -> dict:
    item = {
        "id": c.id,
        "text": c.text,
        "timestamp": graph(c.created),
        "username": c.username,
        "from": {"id": c.author_id, "username": c.username},
        "like_count": c.likes,
    }
    if c.parent is not None:
        item["parent_id"] = c.parent.id
    return item


def _user_insights(acc: Account, f: Fetch, emit: Emit) -> None:
    """New followers per closed day (`follower_count`, period day); `end_time` closes the brand-local day."""
    days = closed_local_days(acc, f.t)
    values = [{"value": acc.gained_lost(start, end)[0], "end_time": graph(end)} for _, start, end in days]
    since, until = days[0][1], days[-1][2]
    emit(
        P,
        "user_insights",
        envelope(
            f,
            acc.id,
            "/{ig-user-id}/insights",
            acc.id,
            {"metric": "follower_count", "period": "day", "since": since, "until": until},
            {
                "data": [
                    {
                        "name": "follower_count",
                        "period": "day",
                        "values": values,
                        "title": "Follower Count",
                        "description": "Total number of unique accounts following this profile",
                        "id": f"{acc.id}/insights/follower_count/day",
                    }
                ]
            },
        ),
    )
