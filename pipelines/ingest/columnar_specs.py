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
    _Uncertain,
    count,
    custom,
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
        raise _Uncertain
    total = 0
    for entry in results:
        if type(entry) is not dict:
            raise _Uncertain
        value = entry.get("count")
        if value is None:
            continue
        if type(value) is not int or value < 0:
            raise _Uncertain
        total += value
    if total >= 2**63:
        raise _Uncertain
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


FAST_SPECS: dict[str, FastSpec] = {
    "instagram__comments": INSTAGRAM_COMMENTS,
    "telegram__messages": TELEGRAM_MESSAGES,
}
