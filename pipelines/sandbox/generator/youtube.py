"""YouTube Data API v3 (channel, videos, comment_threads, search) and the Reporting API's
`channel_basic_a3` daily CSV. The Data API sends every count as a string.
"""

from __future__ import annotations

from datetime import timedelta

from pipelines.sandbox.generator import ids
from pipelines.sandbox.generator.catalog import CompetitorSet
from pipelines.sandbox.generator.common import Emit, split
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.mentions import Mention
from pipelines.sandbox.generator.sink import CsvFile, Sink
from pipelines.sandbox.generator.texts import youtube_search_escaped
from pipelines.sandbox.generator.timeutil import file_stamp, iso_z, local_midnight, utc_date
from pipelines.sandbox.generator.world import Account, Comment, Post

P = "youtube"
PACIFIC = "America/Los_Angeles"
A3_HEADER = [
    "date",
    "channel_id",
    "video_id",
    "live_or_on_demand",
    "subscribed_status",
    "country_code",
    "views",
    "red_views",
    "comments",
    "likes",
    "dislikes",
    "videos_added_to_playlists",
    "videos_removed_from_playlists",
    "shares",
    "watch_time_minutes",
    "red_watch_time_minutes",
    "average_view_duration_seconds",
    "average_view_duration_percentage",
    "subscribers_gained",
    "subscribers_lost",
]
COUNTRIES = (("UA", 0.55), ("RO", 0.15), ("PL", 0.12), ("DE", 0.1), ("US", 0.08))


def captures(acc: Account, f: Fetch, emit: Emit) -> None:
    t = f.t
    emit(
        P,
        "channel",
        envelope(
            f,
            acc.id,
            "/youtube/v3/channels",
            acc.id,
            {"part": "snippet,statistics", "id": acc.id},
            {
                "kind": "youtube#channelListResponse",
                "etag": ids.etag(f"{acc.id}:{t}"),
                "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
                "items": [
                    {
                        "kind": "youtube#channel",
                        "etag": ids.etag(f"{acc.id}:{t}:c"),
                        "id": acc.id,
                        "snippet": {
                            "title": acc.brand.name,
                            "description": f"{acc.brand.name} — coffee, people, places.",
                            "customUrl": f"@{acc.brand.handle}",
                            "publishedAt": "2015-05-04T10:11:12Z",
                        },
                        "statistics": {
                            "viewCount": str(channel_views(acc, t)),
                            "subscriberCount": str(acc.followers_at(t)),
                            "hiddenSubscriberCount": False,
                            "videoCount": str(acc.posts_published_by(t)),
                        },
                    }
                ],
            },
        ),
    )
    videos = acc.listed(t)
    if videos:  # videos.list needs ids: no recent uploads, no call
        emit(
            P,
            "videos",
            envelope(
                f,
                acc.id,
                "/youtube/v3/videos",
                acc.id,
                {"part": "snippet,statistics", "id": ",".join(v.id for v in videos)},
                {
                    "kind": "youtube#videoListResponse",
                    "etag": ids.etag(f"{acc.id}:{t}:v"),
                    "items": [_video(acc, v, t) for v in videos],
                    "pageInfo": {"totalResults": len(videos), "resultsPerPage": len(videos)},
                },
            ),
        )
    if not acc.own:
        return
    for v in videos:
        comments = v.comments_at(t)
        if comments:
            threads = _threads(acc, v, comments)
            emit(
                P,
                "comment_threads",
                envelope(
                    f,
                    acc.id,
                    "/youtube/v3/commentThreads",
                    v.id,
                    {"part": "snippet,replies", "videoId": v.id, "maxResults": 100, "order": "time"},
                    {
                        "kind": "youtube#commentThreadListResponse",
                        "etag": ids.etag(f"{v.id}:{t}"),
                        "pageInfo": {"totalResults": len(threads), "resultsPerPage": 100},
                        "items": threads,
                    },
                ),
            )


def channel_views(acc: Account, t: int) -> int:
    return (
        acc.initial_followers * 40
        + acc.lifetime.get("views", 0)
        + sum(p.value("views", t) for p in acc.posts)
    )


def _video(acc: Account, v: Post, t: int) -> dict:
    stats = {
        "viewCount": str(v.value("views", t)),
        "likeCount": str(v.value("likes", t)),
        "favoriteCount": "0",
        "commentCount": str(v.value("comments", t)),
    }
    if int(v.id.encode().hex(), 16) % 50 == 0:  # comments turned off: YouTube drops the field
        del stats["commentCount"]
    return {
        "kind": "youtube#video",
        "etag": ids.etag(f"{v.id}:{t}"),
        "id": v.id,
        "snippet": {
            "publishedAt": iso_z(v.published),
            "channelId": acc.id,
            "title": v.text[:100],
            "description": f"{v.text}\n\nSubscribe: https://www.youtube.com/@{acc.brand.handle}",
            "channelTitle": acc.brand.name,
            "categoryId": "22",
            "liveBroadcastContent": "none",
            "defaultAudioLanguage": v.lang,
        },
        "statistics": stats,
    }


def _comment_snippet(acc: Account, v: Post, c: Comment) -> dict:
    snippet = {
        "channelId": acc.id,
        "videoId": v.id,
        "textDisplay": c.text,
        "textOriginal": c.text,
        "authorDisplayName": f"@{c.username}",
        "authorChannelUrl": f"http://www.youtube.com/@{c.username}",
        "authorChannelId": {"value": c.author_id},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": c.likes,
        "publishedAt": iso_z(c.created),
        "updatedAt": iso_z(c.created),
    }
    if c.parent is not None:
        snippet["parentId"] = c.parent.id
    return snippet


def _threads(acc: Account, v: Post, comments: list[Comment]) -> list[dict]:
    replies: dict[str, list[Comment]] = {}
    for c in comments:
        if c.parent is not None:
            replies.setdefault(c.parent.id, []).append(c)
    threads = []
    for c in reversed(comments):  # newest thread first (order=time)
        if c.parent is not None:
            continue
        thread = {
            "kind": "youtube#commentThread",
            "etag": ids.etag(f"{c.id}:t"),
            "id": c.id,
            "snippet": {
                "channelId": acc.id,
                "videoId": v.id,
                "topLevelComment": {
                    "kind": "youtube#comment",
                    "etag": ids.etag(c.id),
                    "id": c.id,
                    "snippet": _comment_snippet(acc, v, c),
                },
                "canReply": True,
                "totalReplyCount": len(replies.get(c.id, [])),
                "isPublic": True,
            },
        }
        if c.id in replies:
            thread["replies"] = {
                "comments": [
                    {
                        "kind": "youtube#comment",
                        "etag": ids.etag(r.id),
                        "id": r.id,
                        "snippet": _comment_snippet(acc, v, r),
                    }
                    for r in replies[c.id]
                ]
            }
        threads.append(thread)
    return threads


def search_capture(
    own_yt: Account,
    cset: CompetitorSet,
    found: list[Mention],
    own_hits: list[tuple[Account, Post]],
    f: Fetch,
    emit: Emit,
) -> None:
    """Daily search for the set's brand names: videos by the public, and the brands' own videos naming them."""
    rows: list[tuple[int, dict]] = []
    for m in found:
        rows.append(
            (m.created, _search_item(m.id, m.author.id, m.extra["channel_title"], m.created, m.title, m.text))
        )
    for acc, p in own_hits:
        rows.append(
            (p.published, _search_item(p.id, acc.id, acc.brand.name, p.published, p.text[:100], p.text))
        )
    rows.sort(key=lambda r: r[0], reverse=True)
    q = "|".join(f'"{b.name}"' for b in cset.brands)
    emit(
        P,
        "search",
        envelope(
            f,
            own_yt.id,
            "/youtube/v3/search",
            own_yt.id,
            {
                "part": "snippet",
                "q": q,
                "type": "video",
                "order": "date",
                "publishedAfter": iso_z(f.prev),
                "maxResults": 50,
            },
            {
                "kind": "youtube#searchListResponse",
                "etag": ids.etag(f"{own_yt.id}:{f.t}:s"),
                "regionCode": "UA",
                "pageInfo": {"totalResults": len(rows), "resultsPerPage": 50},
                "items": [r[1] for r in rows],
            },
        ),
    )


def _search_item(
    video_id: str, channel_id: str, channel_title: str, published: int, title: str, description: str
) -> dict:
    return {
        "kind": "youtube#searchResult",
        "etag": ids.etag(f"{video_id}:s"),
        "id": {"kind": "youtube#video", "videoId": video_id},
        "snippet": {
            "publishedAt": iso_z(published),
            "channelId": channel_id,
            # Search snippets come HTML-escaped (`&#39;`, `&quot;`, `&amp;`), unlike videos.list.
            "title": youtube_search_escaped(title),
            "description": youtube_search_escaped(description[:160]),
            "channelTitle": youtube_search_escaped(channel_title),
            "liveBroadcastContent": "none",
            "publishTime": iso_z(published),
        },
    }


def channel_basic_a3(own_channels: list[Account], fetch_t: int, sink: Sink) -> None:
    """The daily Reporting API file: the Pacific day two days before the fetch, one row per breakdown.

    Views per video are the growth of its view curve over that Pacific day; subscribers gained/lost are
    the channel's hourly follows in that day (gained attributed to unsubscribed viewers, lost to subscribed).
    """
    day = utc_date(fetch_t) - timedelta(days=2)
    start, end = local_midnight(day, PACIFIC), local_midnight(day + timedelta(days=1), PACIFIC)
    csv = CsvFile(
        sink,
        f"youtube/channel_basic_a3/{file_stamp(fetch_t)}_channel_basic_a3.csv",
        A3_HEADER,
        "youtube/channel_basic_a3",
    )
    label = day.strftime("%Y%m%d")
    for acc in own_channels:
        gained, lost = acc.gained_lost(start, end)
        videos: list[tuple[str, dict[str, int]]] = []
        for v in sorted(acc.posts, key=lambda p: p.published):
            if v.published >= end or (v.deleted_at is not None and v.deleted_at <= start):
                continue
            delta = {
                m: max(0, v.value(m, end) - v.value(m, max(start, v.published)))
                for m in ("views", "likes", "comments")
            }
            if delta["views"]:
                videos.append((v.id, delta))
        # The back catalogue keeps earning a trickle of views every day.
        catalogue = ids.youtube_video(acc.brand.index, 0)
        videos.append(
            (
                catalogue,
                {
                    "views": acc.initial_followers // 150 + day.toordinal() % 37,
                    "likes": acc.initial_followers // 6000,
                    "comments": 0,
                },
            )
        )
        weights = [w for _, w in COUNTRIES]
        view_total = sum(d["views"] for _, d in videos)
        gained_by_video = split(gained, [d["views"] for _, d in videos]) if view_total else [0] * len(videos)
        lost_by_video = split(lost, [d["views"] for _, d in videos]) if view_total else [0] * len(videos)
        for (video_id, delta), g, lo in zip(videos, gained_by_video, lost_by_video, strict=True):
            by_country = {m: split(delta[m], weights) for m in delta}
            gained_c, lost_c = split(g, weights), split(lo, weights)
            for ci, (country, _) in enumerate(COUNTRIES):
                for status in ("subscribed", "unsubscribed"):
                    share = 0.6 if status == "subscribed" else 0.4
                    views = (
                        round(by_country["views"][ci] * share)
                        if status == "subscribed"
                        else (by_country["views"][ci] - round(by_country["views"][ci] * 0.6))
                    )
                    if status == "subscribed":
                        likes = round(by_country["likes"][ci] * 0.7)
                        comments = round(by_country["comments"][ci] * 0.7)
                    else:
                        likes = by_country["likes"][ci] - round(by_country["likes"][ci] * 0.7)
                        comments = by_country["comments"][ci] - round(by_country["comments"][ci] * 0.7)
                    sub_gained = gained_c[ci] if status == "unsubscribed" else 0
                    sub_lost = lost_c[ci] if status == "subscribed" else 0
                    if not (views or likes or comments or sub_gained or sub_lost):
                        continue
                    duration = 95 + (len(video_id) * 7 + ci * 13 + (status == "subscribed") * 40) % 120
                    watch = round(views * duration / 60, 1)
                    csv.row(
                        [
                            label,
                            acc.id,
                            video_id,
                            "on_demand",
                            status,
                            country,
                            views,
                            0,
                            comments,
                            likes,
                            0,
                            round(likes * 0.1),
                            0,
                            round(likes * 0.05),
                            watch,
                            0.0,
                            duration,
                            round(duration / 3.6, 2),
                            sub_gained,
                            sub_lost,
                        ]
                    )
    csv.close()
