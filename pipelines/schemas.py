"""One declared schema per lake dataset, in one place.

A lake dataset is one platform × entity of the landing contract, parsed into a typed table.
Every row also carries the capture columns (`CAPTURE_COLUMNS`): when it was fetched, for which
account and object, and exactly where it came from (landing-relative file and 1-based line).
`key` is the natural key of one record within one capture; rows sharing key + `fetched_at`
are duplicate captures and collapse to one.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

UTC_TS = pl.Datetime("us", "UTC")

# Added by the ingest framework to every dataset; parsers never set them.
CAPTURE_COLUMNS: dict[str, pl.DataType] = {
    "fetched_at": UTC_TS,
    "fetch_date": pl.Date(),
    "capture_account_id": pl.String(),
    "capture_object_id": pl.String(),
    "source_file": pl.String(),
    "source_line": pl.Int64(),
}


@dataclass(frozen=True)
class Dataset:
    """A platform × entity table in the lake."""

    platform: str
    entity: str
    columns: dict[str, pl.DataType]
    key: tuple[str, ...]
    description: str
    file_kind: str = "jsonl"  # jsonl | csv | json (a whole-file export)

    @property
    def name(self) -> str:
        return f"{self.platform}__{self.entity}"

    @property
    def schema(self) -> pl.Schema:
        return pl.Schema({**self.columns, **CAPTURE_COLUMNS})

    def schema_differences(self, found: pl.Schema) -> list[str]:
        """How a frame's columns differ from this contract (names, order, types); [] when they match."""
        if found == self.schema:
            return []
        if list(found.names()) != list(self.schema.names()):
            return [f"columns {list(found.names())}, the contract's {list(self.schema.names())}"]
        return [
            f"{name} is {found[name]}, the contract says {dtype}"
            for name, dtype in self.schema.items()
            if found[name] != dtype
        ]


S, I, F, B, T, D = pl.String(), pl.Int64(), pl.Float64(), pl.Boolean(), UTC_TS, pl.Date()

_METRIC_VALUE = {"metric_name": S, "period": S, "value": F, "end_time": T}

DATASETS: tuple[Dataset, ...] = (
    # ---------------- facebook (Graph API, Pages)
    Dataset(
        "facebook",
        "page",
        {"page_id": S, "page_name": S, "followers_count": I, "fan_count": I},
        ("page_id",),
        "Page follower snapshot. One row per page per capture.",
    ),
    Dataset(
        "facebook",
        "posts",
        {
            "post_id": S,
            "message": S,
            "created_time": T,
            "permalink_url": S,
            "status_type": S,
            "is_hidden": B,
            "is_published": B,
            "shares_count": I,
            "reactions_total": I,
            "comments_total": I,
        },
        ("post_id",),
        "Page post with lifetime counters. One row per post per capture.",
    ),
    Dataset(
        "facebook",
        "post_insights",
        {"post_id": S, **_METRIC_VALUE},
        ("post_id", "metric_name", "period", "end_time"),
        "Lifetime post insight values. One row per post per metric per capture.",
    ),
    Dataset(
        "facebook",
        "page_insights",
        {"page_id": S, **_METRIC_VALUE},
        ("page_id", "metric_name", "period", "end_time"),
        "Daily page insight values (follows, unfollows). One row per page per metric per day per capture.",
    ),
    Dataset(
        "facebook",
        "comments",
        {
            "comment_id": S,
            "post_id": S,
            "author_id": S,
            "author_name": S,
            "message": S,
            "created_time": T,
            "parent_comment_id": S,
        },
        ("comment_id",),
        "Comment on a page post. One row per comment per capture.",
    ),
    # ---------------- instagram (Graph API, professional accounts)
    Dataset(
        "instagram",
        "user",
        {
            "user_id": S,
            "username": S,
            "followers_count": I,
            "follows_count": I,
            "media_count": I,
        },
        ("user_id",),
        "Account follower snapshot. One row per account per capture.",
    ),
    Dataset(
        "instagram",
        "media",
        {
            "media_id": S,
            "caption": S,
            "media_type": S,
            "media_product_type": S,
            "permalink": S,
            "published_at": T,
            "like_count": I,
            "comments_count": I,
        },
        ("media_id",),
        "Media item with lifetime counters. One row per media per capture.",
    ),
    Dataset(
        "instagram",
        "media_insights",
        {"media_id": S, **_METRIC_VALUE},
        ("media_id", "metric_name", "period", "end_time"),
        "Lifetime media insight values. One row per media per metric per capture.",
    ),
    Dataset(
        "instagram",
        "user_insights",
        {"user_id": S, **_METRIC_VALUE},
        ("user_id", "metric_name", "period", "end_time"),
        "Daily account insight values (follower_count = new followers). One row per metric per day per capture.",
    ),
    Dataset(
        "instagram",
        "comments",
        {
            "comment_id": S,
            "media_id": S,
            "author_id": S,
            "author_username": S,
            "text": S,
            "created_time": T,
            "parent_comment_id": S,
        },
        ("comment_id",),
        "Comment on a media item. One row per comment per capture.",
    ),
    # ---------------- x (API v2)
    Dataset(
        "x",
        "user",
        {
            "user_id": S,
            "username": S,
            "followers_count": I,
            "following_count": I,
            "tweet_count": I,
            "listed_count": I,
        },
        ("user_id",),
        "Account follower snapshot. One row per user per capture.",
    ),
    Dataset(
        "x",
        "tweets",
        {
            "tweet_id": S,
            "author_id": S,
            "text": S,
            "created_at": T,
            "lang": S,
            "conversation_id": S,
            "in_reply_to_user_id": S,
            "replied_to_tweet_id": S,
            "quoted_tweet_id": S,
            "retweeted_tweet_id": S,
            "retweet_count": I,
            "reply_count": I,
            "like_count": I,
            "quote_count": I,
            "bookmark_count": I,
            "impression_count": I,
        },
        ("tweet_id",),
        "Own-account tweet with lifetime public metrics. One row per tweet per capture.",
    ),
    Dataset(
        "x",
        "mentions",
        {
            "tweet_id": S,
            "author_id": S,
            "author_username": S,
            "author_followers": I,
            "text": S,
            "created_at": T,
            "lang": S,
            "conversation_id": S,
            "in_reply_to_user_id": S,
            "replied_to_tweet_id": S,
            "retweet_count": I,
            "reply_count": I,
            "like_count": I,
            "quote_count": I,
            "bookmark_count": I,
            "impression_count": I,
        },
        ("tweet_id",),
        "Tweet found by search (mentions). One row per tweet per capture.",
    ),
    # ---------------- linkedin (Marketing API, versioned REST)
    Dataset(
        "linkedin",
        "organization",
        {"organization_urn": S, "follower_count": I},
        ("organization_urn",),
        "Organisation follower snapshot. One row per organisation per capture.",
    ),
    Dataset(
        "linkedin",
        "posts",
        {
            "post_urn": S,
            "author_urn": S,
            "commentary": S,
            "created_at": T,
            "published_at": T,
            "lifecycle_state": S,
            "visibility": S,
        },
        ("post_urn",),
        "Organisation post. One row per post per capture.",
    ),
    Dataset(
        "linkedin",
        "share_statistics",
        {
            "share_urn": S,
            "organization_urn": S,
            "click_count": I,
            "comment_count": I,
            "engagement": F,
            "impression_count": I,
            "like_count": I,
            "share_count": I,
            "unique_impressions_count": I,
        },
        ("organization_urn", "share_urn"),
        "Lifetime share statistics; share_urn NULL = organisation total. One row per share per capture.",
    ),
    Dataset(
        "linkedin",
        "follower_statistics",
        {
            "organization_urn": S,
            "time_range_start": T,
            "time_range_end": T,
            "organic_follower_gain": I,
            "paid_follower_gain": I,
        },
        ("organization_urn", "time_range_start"),
        "Daily follower gains (time-bound). One row per organisation per day per capture.",
    ),
    # ---------------- youtube (Data API v3, Reporting API)
    Dataset(
        "youtube",
        "channel",
        {
            "channel_id": S,
            "title": S,
            "view_count": I,
            "subscriber_count": I,
            "hidden_subscriber_count": B,
            "video_count": I,
        },
        ("channel_id",),
        "Channel statistics snapshot. One row per channel per capture.",
    ),
    Dataset(
        "youtube",
        "videos",
        {
            "video_id": S,
            "channel_id": S,
            "published_at": T,
            "title": S,
            "description": S,
            "view_count": I,
            "like_count": I,
            "comment_count": I,
            "favorite_count": I,
        },
        ("video_id",),
        "Video with lifetime statistics. One row per video per capture.",
    ),
    Dataset(
        "youtube",
        "comment_threads",
        {
            "comment_id": S,
            "thread_id": S,
            "video_id": S,
            "channel_id": S,
            "author_channel_id": S,
            "author_display_name": S,
            "text": S,
            "published_at": T,
            "like_count": I,
            "parent_comment_id": S,
        },
        ("comment_id",),
        "Top-level comment or reply. One row per comment per capture.",
    ),
    Dataset(
        "youtube",
        "search",
        {
            "video_id": S,
            "channel_id": S,
            "channel_title": S,
            "published_at": T,
            "title": S,
            "description": S,
        },
        ("video_id",),
        "Video found by search (mentions). One row per video per capture.",
    ),
    Dataset(
        "youtube",
        "channel_basic_a3",
        {
            "report_date": D,
            "channel_id": S,
            "video_id": S,
            "live_or_on_demand": S,
            "subscribed_status": S,
            "country_code": S,
            "views": I,
            "comments": I,
            "likes": I,
            "dislikes": I,
            "shares": I,
            "watch_time_minutes": F,
            "average_view_duration_seconds": F,
            "subscribers_gained": I,
            "subscribers_lost": I,
        },
        ("report_date", "channel_id", "video_id", "live_or_on_demand", "subscribed_status", "country_code"),
        "Reporting API channel_basic_a3 row (one breakdown). One row per breakdown per Pacific day per export.",
        file_kind="csv",
    ),
    # ---------------- tiktok (Display API v2)
    Dataset(
        "tiktok",
        "user",
        {
            "open_id": S,
            "display_name": S,
            "follower_count": I,
            "following_count": I,
            "likes_count": I,
            "video_count": I,
        },
        ("open_id",),
        "Account snapshot. One row per account per capture.",
    ),
    Dataset(
        "tiktok",
        "videos",
        {
            "video_id": S,
            "created_at": T,
            "title": S,
            "description": S,
            "share_url": S,
            "like_count": I,
            "comment_count": I,
            "share_count": I,
            "view_count": I,
        },
        ("video_id",),
        "Video with lifetime counters. One row per video per capture.",
    ),
    # ---------------- vk (API 5.199)
    Dataset(
        "vk",
        "group",
        {"group_id": S, "group_name": S, "screen_name": S, "members_count": I},
        ("group_id",),
        "Community members snapshot. One row per group per capture.",
    ),
    Dataset(
        "vk",
        "wall",
        {
            "post_id": S,
            "owner_id": S,
            "from_id": S,
            "published_at": T,
            "text": S,
            "likes_count": I,
            "reposts_count": I,
            "comments_count": I,
            "views_count": I,
            "is_pinned": B,
            "is_repost": B,
        },
        ("post_id",),
        "Wall post with lifetime counters; post_id = {owner_id}_{id}. One row per post per capture.",
    ),
    Dataset(
        "vk",
        "comments",
        {
            "comment_id": S,
            "post_id": S,
            "owner_id": S,
            "from_id": S,
            "created_at": T,
            "text": S,
            "reply_to_comment_id": S,
            "reply_to_user_id": S,
        },
        ("comment_id",),
        "Wall comment; comment_id = {owner_id}_{id}. One row per comment per capture.",
    ),
    Dataset(
        "vk",
        "search",
        {
            "post_id": S,
            "owner_id": S,
            "from_id": S,
            "published_at": T,
            "text": S,
            "likes_count": I,
            "reposts_count": I,
            "comments_count": I,
            "views_count": I,
        },
        ("post_id",),
        "Post found by newsfeed.search (mentions). One row per post per capture.",
    ),
    # ---------------- telegram (channels)
    Dataset(
        "telegram",
        "channel",
        {
            "channel_id": S,
            "title": S,
            "username": S,
            "participants_count": I,
        },
        ("channel_id",),
        "Channel subscribers snapshot. One row per channel per capture.",
    ),
    Dataset(
        "telegram",
        "messages",
        {
            "post_id": S,
            "channel_id": S,
            "message_id": I,
            "published_at": T,
            "text": S,
            "views": I,
            "forwards": I,
            "replies": I,
            "reactions_total": I,
            "reply_to_message_id": I,
        },
        ("post_id",),
        "Channel message with counters; post_id = {channel_id}_{message_id}. One row per message per capture.",
    ),
    Dataset(
        "telegram",
        "export",
        {
            "post_id": S,
            "channel_id": S,
            "message_id": I,
            "message_type": S,
            "published_at": T,
            "text": S,
            "author": S,
            "author_id": S,
            "reactions_total": I,
        },
        ("post_id",),
        "Telegram Desktop export message (no views). One row per message per export.",
        file_kind="json",
    ),
    # ---------------- ga4 (Google Analytics Data API: site traffic, key events, revenue)
    Dataset(
        "ga4",
        "traffic",
        {
            "property_id": S,
            "report_date": D,
            "session_source": S,
            "session_medium": S,
            "session_campaign_name": S,
            "session_manual_ad_content": S,
            "landing_page": S,
            "sessions": I,
            "engaged_sessions": I,
            "key_events": F,
            "total_revenue": F,
            "new_users": I,
            "currency_code": S,
            "property_time_zone": S,
        },
        (
            "property_id",
            "report_date",
            "session_source",
            "session_medium",
            "session_campaign_name",
            "session_manual_ad_content",
            "landing_page",
        ),
        "runReport row of a property: one date (property-local) × source × medium × campaign × ad content × "
        "landing page. `(not set)` is NULL. One row per dimension combination per capture.",
    ),
    # ---------------- listening (social-listening exports)
    Dataset(
        "listening",
        "mentions",
        {
            "mention_id": S,
            "platform": S,
            "source_platform": S,
            "published_at": T,
            "url": S,
            "author_handle": S,
            "author_followers": I,
            "text": S,
            "language": S,
            "reach": I,
            "engagements": I,
            "sentiment": S,
        },
        ("mention_id",),
        "Mention from a listening export, platform mapped to ours. One row per mention per export.",
        file_kind="csv",
    ),
)

BY_NAME: dict[str, Dataset] = {d.name: d for d in DATASETS}
BY_PATH: dict[tuple[str, str], Dataset] = {(d.platform, d.entity): d for d in DATASETS}
PLATFORMS: tuple[str, ...] = tuple(dict.fromkeys(d.platform for d in DATASETS))


def dataset_for(platform: str, entity: str) -> Dataset | None:
    """The dataset a landing folder `<platform>/<entity>/` feeds, or None if the contract has none."""
    return BY_PATH.get((platform, entity))
