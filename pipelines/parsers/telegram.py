"""Telegram channels: MTProto responses rendered as JSON (Telethon `to_dict()` style) and the
Telegram Desktop `result.json` export.

Ids are numbers in Telegram and strings in the warehouse; a post is `{channel_id}_{message_id}`.
Service messages (pinned, joined, title changed) are not posts: they are rejected with a reason so
the quarantine shows them instead of silently dropping them.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    local_to_utc,
    platform_text,
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
        "title": platform_text(chat.get("title"), "chats[].title", html_escaped=False),
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
        "text": platform_text(message.get("message"), "message", html_escaped=False),
        "views": to_count(message.get("views"), "views"),
        "forwards": to_count(message.get("forwards"), "forwards"),
        "replies": to_count(dig(message, "replies", "replies"), "replies.replies"),
        "reactions_total": reactions_total,
        "reply_to_message_id": to_int(
            dig(message, "reply_to", "reply_to_msg_id"), "reply_to.reply_to_msg_id"
        ),
    }


# ---------------------------------------------------------------- export (Telegram Desktop result.json)


# A channel's export is its posts; any other chat (personal_chat, private_group, saved_messages,
# bot_chat…) is people's conversation, never a brand channel.
_CHANNEL_TYPES = ("public_channel", "private_channel")


@dataclass(frozen=True)
class _ExportMessage:
    """A message of the export with its position, so a rejection can name the record."""

    position: int
    message: Any


def _export_messages(capture: Capture) -> list[_ExportMessage]:
    document = expect_dict(capture.response, "export document")
    chat_type = to_str(document.get("type"), "type")
    if chat_type is None:
        raise Rejected("type: missing (the exported chat's type; only channel exports are read)")
    if chat_type not in _CHANNEL_TYPES:
        raise Rejected(f"telegram export of a {chat_type[:40]}, not a channel: refused")
    if document.get("id") is None:
        raise Rejected("id: missing (the exported chat's id)")
    return [_ExportMessage(i, m) for i, m in enumerate(list_at(document, "messages"))]


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


def _export_time(message: dict[str, Any], channel_id: str, capture: Capture) -> datetime:
    """`date_unixtime` (unix seconds as a string). Exports from Telegram Desktop before it
    existed have only `date`, the local time of the computer that exported: read in the time zone
    of the brand that owns the channel (the ingest passes them in `owner_timezones`)."""
    published_at = from_epoch_seconds(message.get("date_unixtime"), "date_unixtime")
    if published_at is not None:
        return published_at
    if message.get("date") in (None, ""):
        raise Rejected("date_unixtime and date: missing")
    timezone = capture.owner_timezones.get(channel_id)
    if timezone is None:
        raise Rejected(
            f"date_unixtime: missing, and channel {channel_id} belongs to no brand in brands.yml: "
            "its local `date` has no time zone"
        )
    local = local_to_utc(message.get("date"), "date", timezone)
    assert local is not None  # an empty `date` was rejected above
    return local


def _export_message_row(message: Any, capture: Capture) -> dict[str, Any]:
    """One exported message (the export has no views)."""
    message = expect_dict(message, "messages[]")
    if message.get("type") == "service":
        raise Rejected("service message, not a post")
    channel_id = required_str(to_str(dig(capture.response, "id"), "id"), "id")
    message_id = _required_int(message.get("id"), "messages[].id")
    reactions = message.get("reactions")
    return {
        "post_id": f"{channel_id}_{message_id}",
        "channel_id": channel_id,
        "message_id": message_id,
        "message_type": to_str(message.get("type"), "type"),
        "published_at": _export_time(message, channel_id, capture),
        "text": platform_text(_export_text(message.get("text")), "text", html_escaped=False),
        "author": platform_text(message.get("from"), "from", html_escaped=False),
        "author_id": to_str(message.get("from_id"), "from_id"),
        "reactions_total": None
        if reactions is None
        else _sum_counts(list_at(message, "reactions"), "reactions"),
    }


def _export_row(record: _ExportMessage, capture: Capture) -> dict[str, Any]:
    """A whole export is one landing line, so every rejection names its message."""
    try:
        return _export_message_row(record.message, capture)
    except Rejected as exc:
        raise Rejected(f"{_export_label(record)}: {exc}") from None


def _export_label(record: _ExportMessage) -> str:
    message_id = record.message.get("id") if isinstance(record.message, dict) else None
    if isinstance(message_id, int | str) and not isinstance(message_id, bool) and str(message_id).strip():
        return f"message {str(message_id)[:40]}"
    return f"messages[{record.position}] (no id)"


# The entities whose rows may need the owning brand's time zone (legacy exports' local `date`).
LOCAL_TIME_ENTITIES = frozenset({"export"})


PARSERS: dict[str, EntityParser] = {
    "channel": EntityParser(records=whole_response, row=_channel_row),
    "messages": EntityParser(records=_messages, row=_message_row),
    "export": EntityParser(records=_export_messages, row=_export_row),
}
