"""Facebook Pages (Graph API v21.0): page, posts, post_insights, page_insights, comments.

Competitors' pages are public (page snapshot, posts with counters); insights and comments are pulled
for the own page only.
"""

from __future__ import annotations

from pipelines.sandbox.generator.common import Emit, closed_local_days, graph_cursor
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.texts import as_mojibake
from pipelines.sandbox.generator.timeutil import graph
from pipelines.sandbox.generator.world import Account, Comment, Post

P = "facebook"
POST_FIELDS = (
    "id,message,created_time,permalink_url,status_type,is_hidden,is_published,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)
STATUS_TYPE = {
    "photo": "added_photos",
    "video": "added_video",
    "link": "shared_story",
    "text": "mobile_status_update",
}
POST_METRICS = (
    (
        "post_impressions_unique",
        "reach",
        "Lifetime Post Total Reach",
        "Lifetime: The number of people who had your Page's post enter their screen. (Unique Users)",
    ),
    (
        "post_clicks",
        "clicks",
        "Lifetime Post Clicks",
        "Lifetime: The number of clicks anywhere in your post.",
    ),
    (
        "post_media_view",
        "views",
        "Lifetime Post Media Views",
        "Lifetime: The number of times your photo or video was on screen.",
    ),
)


def captures(acc: Account, f: Fetch, emit: Emit) -> None:
    t = f.t
    followers = acc.followers_at(t)
    emit(
        P,
        "page",
        envelope(
            f,
            acc.id,
            "/{page-id}",
            acc.id,
            {"fields": "id,name,followers_count,fan_count"},
            {
                "id": acc.id,
                "name": acc.brand.name,
                "followers_count": followers,
                "fan_count": int(followers * 0.968),
            },
        ),
    )
    posts = acc.listed(t)
    data = [_post(acc, p, t) for p in posts]
    response: dict = {"data": data}
    if data:
        response["paging"] = {
            "cursors": {"before": graph_cursor(posts[0].id), "after": graph_cursor(posts[-1].id)}
        }
    emit(
        P,
        "posts",
        envelope(f, acc.id, "/{page-id}/posts", acc.id, {"fields": POST_FIELDS, "limit": 25}, response),
    )
    if not acc.own:
        return
    for p in posts:
        emit(
            P,
            "post_insights",
            envelope(
                f,
                acc.id,
                "/{post-id}/insights",
                p.id,
                {"metric": ",".join(m[0] for m in POST_METRICS)},
                {
                    "data": [
                        {
                            "name": name,
                            "period": "lifetime",
                            "values": [{"value": p.value(metric, t)}],
                            "title": title,
                            "description": description,
                            "id": f"{p.id}/insights/{name}/lifetime",
                        }
                        for name, metric, title, description in POST_METRICS
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
                    "/{post-id}/comments",
                    p.id,
                    {
                        "fields": "id,from{id,name},message,created_time,parent{id}",
                        "filter": "stream",
                        "limit": 100,
                    },
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
        _page_insights(acc, f, emit)


def _post(acc: Account, p: Post, t: int) -> dict:
    item: dict = {
        "id": p.id,
        "message": p.text,
        "created_time": graph(p.published),
        "permalink_url": f"https://www.facebook.com/{acc.id}/posts/{p.num}/",
        "status_type": STATUS_TYPE.get(p.kind, "added_photos"),
        "is_hidden": p.hidden_at is not None and t >= p.hidden_at,
        "is_published": True,
    }
    shares = p.value("shares", t)
    if shares:  # Graph omits `shares` when nobody shared
        item["shares"] = {"count": shares}
    item["reactions"] = {
        "data": [],
        "summary": {"total_count": p.value("likes", t), "viewer_reaction": "NONE"},
    }
    item["comments"] = {
        "data": [],
        "summary": {"order": "chronological", "total_count": p.value("comments", t), "can_comment": True},
    }
    return item


def _comment(c: Comment) -> dict:
    # One customer comment in ten arrives garbled (UTF-8 read as Windows-1252, as some old clients send
    # it), chosen by id so the random stream is untouched: every run exercises the mojibake repair.
    garbled = not c.own and int(c.id.rsplit("_", 1)[-1]) % 10 == 7
    item = {
        "id": c.id,
        "from": {"id": c.author_id, "name": c.author_name},
        "message": as_mojibake(c.text) if garbled else c.text,
        "created_time": graph(c.created),
    }
    if c.parent is not None:
        item["parent"] = {"id": c.parent.id}
    return item


def _page_insights(acc: Account, f: Fetch, emit: Emit) -> None:
    """Daily follows/unfollows of the last closed days; `end_time` closes each day in the page's timezone."""
    days = closed_local_days(acc, f.t)
    follows, unfollows, totals = [], [], []
    for _, start, end in days:
        gained, lost = acc.gained_lost(start, end)
        follows.append({"value": gained, "end_time": graph(end)})
        unfollows.append({"value": lost, "end_time": graph(end)})
        totals.append({"value": acc.followers_at(end), "end_time": graph(end)})
    since, until = days[0][1], days[-1][2]
    metrics = (
        (
            "page_follows",
            totals,
            "Lifetime Page Follows",
            "Lifetime: The total number of people who follow your Page.",
        ),
        (
            "page_daily_follows_unique",
            follows,
            "Daily New Follows",
            "Daily: The number of new follows of your Page.",
        ),
        (
            "page_daily_unfollows_unique",
            unfollows,
            "Daily Unfollows",
            "Daily: The number of people who unfollowed your Page.",
        ),
    )
    emit(
        P,
        "page_insights",
        envelope(
            f,
            acc.id,
            "/{page-id}/insights",
            acc.id,
            {"metric": ",".join(m[0] for m in metrics), "period": "day", "since": since, "until": until},
            {
                "data": [
                    {
                        "name": name,
                        "period": "day",
                        "values": values,
                        "title": title,
                        "description": description,
                        "id": f"{acc.id}/insights/{name}/day",
                    }
                    for name, values, title, description in metrics
                ]
            },
        ),
    )
