"""Fast-path declarations (see columnar.py), one per JSONL dataset that has one.

Each column mirrors its parser's rule in pipelines/parsers/, narrowed to the inputs whose result is
certain: where the parser would convert, repair, fall back or reject, a read raises or a check is
false, and the line goes to that parser. A dataset missing here is parsed by its parser alone.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipelines.ingest.columnar import (
    FastSpec,
    Uncertain,
    boolean,
    count,
    custom,
    epoch_millis,
    epoch_seconds,
    first_nonempty,
    ident,
    integer,
    loose,
    present,
    text,
    timestamp,
)

col = pl.col

# ------------------------------------------------------------------ instagram (Graph API)

INSTAGRAM_COMMENTS = FastSpec(
    fields={
        "id": ident("id"),
        "from_id": ident("from", "id"),
        "username": ident("username"),
        "from_username": ident("from", "username"),
        "text": text("text", html_escaped=False),
        "timestamp": timestamp("timestamp"),
        "parent_id": ident("parent_id"),
    },
    columns={
        "comment_id": col("id"),
        "media_id": col("object_id"),
        "author_id": col("from_id"),
        # `username or from.username`; the parser reads both only when the first is empty, the fast
        # path always (a bad second value sends the line to the parser, which may accept it).
        "author_username": first_nonempty("username", "from_username"),
        "text": col("text"),
        "created_time": col("timestamp"),
        "parent_comment_id": col("parent_id"),
    },
    checks=(present("id"),),
)

# ------------------------------------------------------------------ telegram (getHistory)


def _reactions_total(results: Any) -> int | None:
    """`_sum_counts` over `reactions.results`: None when absent (unknown), else the sum of counts."""
    if results is None:
        return None
    if type(results) is not list:
        raise Uncertain
    total = 0
    for entry in results:
        if type(entry) is not dict:
            raise Uncertain
        value = entry.get("count")
        if value is None:
            continue
        if type(value) is not int or value < 0:
            raise Uncertain
        total += value
    if total >= 2**63:
        raise Uncertain
    return total


_channel = first_nonempty("peer_channel", "account_id")

TELEGRAM_MESSAGES = FastSpec(
    fields={
        "kind": loose("_"),
        "id": integer("id"),
        "peer_channel": ident("peer_id", "channel_id"),
        # Telethon renders dates as ISO strings; unix seconds (raw dumps) go to the parser.
        "date": timestamp("date"),
        "message": text("message", html_escaped=False),
        "views": count("views"),
        "forwards": count("forwards"),
        "replies": count("replies", "replies"),
        "reactions_total": custom(_reactions_total, pl.Int64(), "reactions", "results"),
        "reply_to": integer("reply_to", "reply_to_msg_id"),
    },
    columns={
        "post_id": _channel + "_" + col("id").cast(pl.String),
        "channel_id": _channel,
        "message_id": col("id"),
        "published_at": col("date"),
        "text": col("message"),
        "views": col("views"),
        "forwards": col("forwards"),
        "replies": col("replies"),
        "reactions_total": col("reactions_total"),
        "reply_to_message_id": col("reply_to"),
    },
    checks=(
        # Service and empty messages are rejected by the parser, with their reasons.
        ~col("kind").is_in(["MessageService", "MessageEmpty"]).fill_null(False),
        col("id").is_not_null(),
        _channel.is_not_null() & (_channel != ""),
    ),
)


# ------------------------------------------------------------------ x (API v2)


def _id_or_uncertain(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    raise Uncertain


def _first_reference(kind: str) -> Any:
    """x._referenced: the id of the first `referenced_tweets` entry of `kind` (every entry an object)."""

    def read(refs: Any) -> str | None:
        if refs is None:
            return None
        if type(refs) is not list:
            raise Uncertain
        found: dict[str, str | None] = {}
        for ref in refs:
            if type(ref) is not dict:
                raise Uncertain
            ref_kind = _id_or_uncertain(ref.get("type"))
            if ref_kind and ref_kind not in found:
                found[ref_kind] = _id_or_uncertain(ref.get("id"))
        return found.get(kind)

    return read


_X_METRICS = (
    "retweet_count",
    "reply_count",
    "like_count",
    "quote_count",
    "bookmark_count",
    "impression_count",
)

X_TWEETS = FastSpec(
    fields={
        "id": ident("id"),
        "author_id": ident("author_id"),
        "text": text("text", html_escaped=True),
        "created_at": timestamp("created_at"),
        "lang": ident("lang"),
        "conversation_id": ident("conversation_id"),
        "in_reply_to_user_id": ident("in_reply_to_user_id"),
        **{
            f"{kind}_tweet_id": custom(_first_reference(kind), pl.String(), "referenced_tweets")
            for kind in ("replied_to", "quoted", "retweeted")
        },
        **{name: count("public_metrics", name) for name in _X_METRICS},
    },
    columns={
        "tweet_id": col("id"),
        "author_id": col("author_id"),
        "text": col("text"),
        "created_at": col("created_at"),
        "lang": col("lang"),
        "conversation_id": col("conversation_id"),
        "in_reply_to_user_id": col("in_reply_to_user_id"),
        "replied_to_tweet_id": col("replied_to_tweet_id"),
        "quoted_tweet_id": col("quoted_tweet_id"),
        "retweeted_tweet_id": col("retweeted_tweet_id"),
        **{name: col(name) for name in _X_METRICS},
    },
    checks=(present("id"),),
)

# ------------------------------------------------------------------ vk (API 5.199)


def _is_repost(copy_history: Any) -> bool:
    """vk._wall_row: a non-empty `copy_history` array."""
    if copy_history is None:
        return False
    if type(copy_history) is not list:
        raise Uncertain
    return bool(copy_history)


def _vk_post_columns(owner: pl.Expr) -> dict[str, pl.Expr]:
    owner_text = owner.cast(pl.String)
    return {
        "post_id": owner_text + "_" + col("id").cast(pl.String),
        "owner_id": owner_text,
        "from_id": col("from_id"),
        "published_at": col("date"),
        "text": col("text"),
        "likes_count": col("likes"),
        "reposts_count": col("reposts"),
        "comments_count": col("comments"),
        "views_count": col("views"),
    }


_VK_POST_FIELDS = {
    "id": integer("id"),
    # The item's own owner; a trimmed body without it (the parser then reads the account) is the parser's.
    "owner_id": integer("owner_id"),
    "from_id": ident("from_id"),
    "date": epoch_seconds("date"),
    "text": text("text", html_escaped=True),
    **{name: count(name, "count") for name in ("likes", "reposts", "comments", "views")},
}

VK_WALL = FastSpec(
    fields={
        **_VK_POST_FIELDS,
        "is_pinned": boolean("is_pinned"),
        "is_repost": custom(_is_repost, pl.Boolean(), "copy_history"),
    },
    columns={
        **_vk_post_columns(col("owner_id")),
        "is_pinned": col("is_pinned"),
        "is_repost": col("is_repost"),
    },
    checks=(col("id").is_not_null(), col("owner_id").is_not_null()),
)


def _reply_parent(comment: Any) -> int | None:
    """vk._comment_row: `reply_to_comment`, else the last of a non-empty `parents_stack`."""
    parent = comment.get("reply_to_comment")
    if parent is None:
        stack = comment.get("parents_stack")
        if stack:
            if type(stack) is not list:
                raise Uncertain
            parent = stack[-1]
    if parent is None or (type(parent) is int and -(2**63) < parent < 2**63):
        return parent
    raise Uncertain


# The comment's own owner, else the owner in the capture's post id (`-123456_9010` → -123456); the
# fast path takes only owner-qualified post ids, so the parser's last resort (the account) never applies.
_owner_int = pl.coalesce(
    col("owner_id"), col("object_id").str.extract(r"^(.*)_[^_]*$").cast(pl.Int64, strict=False)
)
_owner = _owner_int.cast(pl.String)

VK_COMMENTS = FastSpec(
    fields={
        "id": integer("id"),
        "owner_id": integer("owner_id"),
        "from_id": ident("from_id"),
        "date": epoch_seconds("date"),
        "text": text("text", html_escaped=True),
        "parent": custom(_reply_parent, pl.Int64(), reads=(("reply_to_comment",), ("parents_stack",))),
        "reply_to_user": ident("reply_to_user"),
    },
    columns={
        "comment_id": _owner + "_" + col("id").cast(pl.String),
        # The capture's post id when it is owner-qualified (`-123456_9010`); other forms are the parser's.
        "post_id": col("object_id"),
        "owner_id": _owner,
        "from_id": col("from_id"),
        "created_at": col("date"),
        "text": col("text"),
        "reply_to_comment_id": _owner + "_" + col("parent").cast(pl.String),
        "reply_to_user_id": col("reply_to_user"),
    },
    checks=(
        col("id").is_not_null(),
        _owner_int.is_not_null(),
        col("object_id").str.contains("_", literal=True).fill_null(False),
    ),
)

# ------------------------------------------------------------------ facebook (Graph API, Pages)


def _shares_count(post: Any) -> int | None:
    """facebook._shares_count: `shares.count`; 0 when absent from a post with engagement summaries."""
    if "shares" in post:
        shares = post["shares"]
        if shares is None:
            return None
        if type(shares) is not dict:
            raise Uncertain
        value = shares.get("count")
        if value is None or (type(value) is int and 0 <= value < 2**63):
            return value
        raise Uncertain
    return 0 if "reactions" in post or "comments" in post else None


FACEBOOK_POSTS = FastSpec(
    fields={
        "post_id": ident("id"),
        "message": text("message", html_escaped=False),
        "created_time": timestamp("created_time"),
        "permalink_url": ident("permalink_url"),
        "status_type": ident("status_type"),
        "is_hidden": boolean("is_hidden"),
        "is_published": boolean("is_published"),
        "shares_count": custom(
            _shares_count, pl.Int64(), reads=(("shares",), ("shares", "count"), ("reactions",), ("comments",))
        ),
        "reactions_total": count("reactions", "summary", "total_count"),
        "comments_total": count("comments", "summary", "total_count"),
    },
    columns={
        name: col(name)
        for name in (
            "post_id",
            "message",
            "created_time",
            "permalink_url",
            "status_type",
            "is_hidden",
            "is_published",
            "shares_count",
            "reactions_total",
            "comments_total",
        )
    },
    checks=(present("post_id"),),
)

# ------------------------------------------------------------------ instagram media, tiktok videos

INSTAGRAM_MEDIA = FastSpec(
    fields={
        "media_id": ident("id"),
        "caption": text("caption", html_escaped=False),
        "media_type": ident("media_type"),
        "media_product_type": ident("media_product_type"),
        "permalink": ident("permalink"),
        "published_at": timestamp("timestamp"),
        "like_count": count("like_count"),
        "comments_count": count("comments_count"),
    },
    columns={
        name: col(name)
        for name in (
            "media_id",
            "caption",
            "media_type",
            "media_product_type",
            "permalink",
            "published_at",
            "like_count",
            "comments_count",
        )
    },
    checks=(present("media_id"),),
)

TIKTOK_VIDEOS = FastSpec(
    fields={
        "video_id": ident("id"),
        "created_at": epoch_seconds("create_time"),
        "title": text("title", html_escaped=False),
        "description": text("video_description", html_escaped=False),
        "share_url": ident("share_url"),
        **{name: count(name) for name in ("like_count", "comment_count", "share_count", "view_count")},
    },
    columns={
        name: col(name)
        for name in (
            "video_id",
            "created_at",
            "title",
            "description",
            "share_url",
            "like_count",
            "comment_count",
            "share_count",
            "view_count",
        )
    },
    checks=(present("video_id"),),
)


# ------------------------------------------------------------------ linkedin (Marketing API)

LINKEDIN_POSTS = FastSpec(
    fields={
        "post_urn": ident("id"),
        "author_urn": ident("author"),
        "commentary": text("commentary", html_escaped=False),
        "created_at": epoch_millis("createdAt"),
        "published_at": epoch_millis("publishedAt"),
        "lifecycle_state": ident("lifecycleState"),
        "visibility": ident("visibility"),
    },
    columns={
        name: col(name)
        for name in (
            "post_urn",
            "author_urn",
            "commentary",
            "created_at",
            "published_at",
            "lifecycle_state",
            "visibility",
        )
    },
    checks=(present("post_urn"),),
)


FAST_SPECS: dict[str, FastSpec] = {
    "facebook__posts": FACEBOOK_POSTS,
    "instagram__media": INSTAGRAM_MEDIA,
    "instagram__comments": INSTAGRAM_COMMENTS,
    "x__tweets": X_TWEETS,
    "tiktok__videos": TIKTOK_VIDEOS,
    "vk__wall": VK_WALL,
    "vk__comments": VK_COMMENTS,
    "linkedin__posts": LINKEDIN_POSTS,
    "telegram__messages": TELEGRAM_MESSAGES,
}
