"""Telegram channels: MTProto responses rendered as JSON (Telethon `to_dict()` style) and the
Telegram Desktop `result.json` export.

Ids are numbers in Telegram and strings in the warehouse; a post is `{channel_id}_{message_id}`.
Service messages (pinned, joined, title changed) are not posts: they are rejected with a reason so
the quarantine shows them instead of silently dropping them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    from_epoch_seconds,
    list_at,
    required_str,
    to_count,
    to_int,
    to_str,
    to_ts,
    type_name,
    whole_response,
)


def error_of(response: Any) -> str | None:
    """A body that is not an object, or one carrying `error` (an RPC error rendered as JSON)."""
    if not isinstance(response, dict):
        return f"response is not a JSON object (got {type_name(response)})"
    error = response.get("error")
    if error is None:
        return None
    if isinstance(error, dict):
        code = error.get("code", error.get("error_code"))
        message = error.get("message", error.get("error_message", ""))
        return f"{code} {message or ''}".strip()
    return str(error)[:200]


def _required_int(value: Any, field: str) -> int:
    number = to_int(value, field)
    if number is None:
        raise Rejected(f"{field}: missing")
    return number


def _sum_counts(entries: list[Any], where: str) -> int:
    total = 0
    for entry in entries:
        count = to_count(dig(expect_dict(entry, f"{where}[]"), "count"), f"{where}[].count")
        total += count or 0
    return total


# ---------------------------------------------------------------- channel


def _channel_row(response: Any, capture: Capture) -> dict[str, Any]:
    """Subscribers snapshot from `channels.getFullChannel`; title and username come from `chats[]`."""
    full_chat = dig(response, "full_chat")
    if full_chat is None:
        raise Rejected("full_chat: missing")
    full_chat = expect_dict(full_chat, "full_chat")
    channel_id = required_str(to_str(full_chat.get("id"), "full_chat.id"), "full_chat.id")
    chat: dict[str, Any] = {}
    for candidate in list_at(response, "chats"):
        if isinstance(candidate, dict) and to_str(candidate.get("id"), "chats[].id") == channel_id:
            chat = candidate
            break
    return {
        "channel_id": channel_id,
        "title": to_str(chat.get("title"), "chats[].title"),
        "username": to_str(chat.get("username"), "chats[].username"),
        "participants_count": to_count(full_chat.get("participants_count"), "full_chat.participants_count"),
    }


# ---------------------------------------------------------------- messages (getHistory)


def _message_time(value: Any, field: str) -> datetime | None:
    """Telethon renders datetimes as ISO strings; raw MTProto dumps keep unix seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_epoch_seconds(value, field)
    return to_ts(value, field)


def _messages(capture: Capture) -> list[Any]:
    return list_at(capture.response, "messages")


def _message_row(message: Any, capture: Capture) -> dict[str, Any]:
    """One channel post with its lifetime counters (views, forwards, replies, reactions)."""
    message = expect_dict(message, "messages[]")
    kind = message.get("_")
    if kind == "MessageService":
        raise Rejected("service message, not a post")
    if kind == "MessageEmpty":
        raise Rejected("empty message (deleted or inaccessible), not a post")
    message_id = _required_int(message.get("id"), "id")
    channel_id = to_str(dig(message, "peer_id", "channel_id"), "peer_id.channel_id") or capture.account_id
    channel_id = required_str(channel_id, "channel_id")
    results = dig(message, "reactions", "results")
    # No `reactions` at all means the channel shows none: unknown (NULL), not zero.
    reactions_total = (
        None
        if results is None
        else _sum_counts(list_at(message, "reactions", "results"), "reactions.results")
    )
    return {
        "post_id": f"{channel_id}_{message_id}",
        "channel_id": channel_id,
        "message_id": message_id,
        "published_at": _message_time(message.get("date"), "date"),
        "text": to_str(message.get("message"), "message"),
        "views": to_count(message.get("views"), "views"),
        "forwards": to_count(message.get("forwards"), "forwards"),
        "replies": to_count(dig(message, "replies", "replies"), "replies.replies"),
        "reactions_total": reactions_total,
        "reply_to_message_id": to_int(
            dig(message, "reply_to", "reply_to_msg_id"), "reply_to.reply_to_msg_id"
        ),
    }


# ---------------------------------------------------------------- export (Telegram Desktop result.json)


def _export_messages(capture: Capture) -> list[Any]:
    document = expect_dict(capture.response, "export document")
    if document.get("id") is None:
        raise Rejected("id: missing (the exported chat's id)")
    return list_at(document, "messages")


def _export_text(value: Any) -> str | None:
    """`text` is a string, or a list of strings and entity objects `{"type", "text"}` (links, bold…)."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise Rejected(f"text: expected a string or an array, got {type_name(value)}")
    parts: list[str] = []
    for piece in value:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, dict) and isinstance(piece.get("text", ""), str):
            parts.append(piece.get("text", ""))
        else:
            raise Rejected(f"text[]: expected a string or an entity object, got {type_name(piece)}")
    return "".join(parts)


def _export_row(message: Any, capture: Capture) -> dict[str, Any]:
    """One exported message. `date` is the exporting computer's local time, so time comes from
    `date_unixtime` (unix seconds sent as a string). The export has no views."""
    message = expect_dict(message, "messages[]")
    if message.get("type") == "service":
        raise Rejected("service message, not a post")
    channel_id = required_str(to_str(dig(capture.response, "id"), "id"), "id")
    message_id = _required_int(message.get("id"), "messages[].id")
    published_at = from_epoch_seconds(message.get("date_unixtime"), "date_unixtime")
    if published_at is None:
        raise Rejected("date_unixtime: missing (local `date` alone has no time zone)")
    reactions = message.get("reactions")
    return {
        "post_id": f"{channel_id}_{message_id}",
        "channel_id": channel_id,
        "message_id": message_id,
        "message_type": to_str(message.get("type"), "type"),
        "published_at": published_at,
        "text": _export_text(message.get("text")),
        "author": to_str(message.get("from"), "from"),
        "author_id": to_str(message.get("from_id"), "from_id"),
        "reactions_total": None
        if reactions is None
        else _sum_counts(list_at(message, "reactions"), "reactions"),
    }


PARSERS: dict[str, EntityParser] = {
    "channel": EntityParser(records=whole_response, row=_channel_row),
    "messages": EntityParser(records=_messages, row=_message_row),
    "export": EntityParser(records=_export_messages, row=_export_row),
}
