"""Telegram channels: channel (channels.getFullChannel) and messages (messages.getHistory), rendered as
Telethon `to_dict()` JSON; plus the own channel's Telegram Desktop export (`result.json`).
"""

from __future__ import annotations

import json
import re

from pipelines.sandbox.generator.common import Emit, split
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.sink import Sink, StreamFile
from pipelines.sandbox.generator.timeutil import file_stamp, local_naive, telethon
from pipelines.sandbox.generator.world import Account, Post

P = "telegram"
REACTIONS = (("👍", 0.45), ("❤", 0.25), ("🔥", 0.18), ("😢", 0.07), ("👎", 0.05))


def captures(acc: Account, f: Fetch, emit: Emit) -> None:
    t = f.t
    channel_id = int(acc.id)
    emit(
        P,
        "channel",
        envelope(
            f,
            acc.id,
            "channels.getFullChannel",
            acc.id,
            {"channel": acc.brand.id},
            {
                "_": "messages.ChatFull",
                "full_chat": {
                    "_": "ChannelFull",
                    "id": channel_id,
                    "about": f"{acc.brand.name}: coffee news and offers",
                    "participants_count": acc.followers_at(t),
                    "read_inbox_max_id": 0,
                    "pts": 1000 + t % 9973,
                },
                "chats": [
                    {
                        "_": "Channel",
                        "id": channel_id,
                        "title": acc.brand.name,
                        "username": acc.brand.id,
                        "broadcast": True,
                        "megagroup": False,
                        "verified": False,
                    }
                ],
                "users": [],
            },
        ),
    )
    messages = acc.listed(t)
    emit(
        P,
        "messages",
        envelope(
            f,
            acc.id,
            "messages.getHistory",
            acc.id,
            {"peer": acc.brand.id, "limit": 100, "offset_date": None},
            {
                "_": "messages.ChannelMessages",
                "pts": 1000 + t % 9973,
                "count": acc.posts_published_by(t),
                "messages": [_message(channel_id, m, t) for m in messages],
                "chats": [],
                "users": [],
            },
        ),
    )


def reaction_counts(m: Post, t: int) -> list[tuple[str, int]]:
    counts = split(m.value("likes", t), [w for _, w in REACTIONS])
    return [(emoji, n) for (emoji, _), n in zip(REACTIONS, counts, strict=True) if n > 0]


def _message(channel_id: int, m: Post, t: int) -> dict:
    item: dict = {
        "_": "Message",
        "id": m.num,
        "peer_id": {"_": "PeerChannel", "channel_id": channel_id},
        "date": telethon(m.published),
        "message": m.text,
        "out": False,
        "mentioned": False,
        "post": True,
        "views": m.value("views", t),
        "forwards": m.value("shares", t),
        "replies": {
            "_": "MessageReplies",
            "replies": m.value("comments", t),
            "replies_pts": 0,
            "comments": True,
        },
        "reactions": {
            "_": "MessageReactions",
            "min": False,
            "can_see_list": False,
            "results": [
                {"_": "ReactionCount", "reaction": {"_": "ReactionEmoji", "emoticon": e}, "count": n}
                for e, n in reaction_counts(m, t)
            ],
        },
        "edit_date": None,
        "post_author": None,
    }
    if m.reply_to_msg is not None:
        item["reply_to"] = {"_": "MessageReplyHeader", "reply_to_msg_id": m.reply_to_msg}
    if m.kind == "photo":
        item["media"] = {"_": "MessageMediaPhoto", "spoiler": False}
    return item


_TOKEN = re.compile(r"(#\w+|https?://\S+)")


def _export_text(text: str) -> tuple[str | list, list[dict]]:
    """Telegram Desktop: plain text stays a string; text with hashtags/links becomes a list of parts."""
    parts = [p for p in _TOKEN.split(text) if p]
    entities = [
        {"type": "hashtag" if p.startswith("#") else "link" if p.startswith("http") else "plain", "text": p}
        for p in parts
    ]
    if all(e["type"] == "plain" for e in entities):
        return text, entities
    return [p if e["type"] == "plain" else dict(e) for p, e in zip(parts, entities, strict=True)], entities


class DesktopExport:
    """The own channel's `result.json`, written message by message as posts leave the simulation window."""

    def __init__(self, sink: Sink, acc: Account, export_t: int) -> None:
        self.acc = acc
        self.export_t = export_t
        self.tz = acc.brand.timezone
        self.file = StreamFile(sink, f"telegram/export/{file_stamp(export_t)}_result.json", "telegram/export")
        header = {"name": acc.brand.name, "type": "public_channel", "id": int(acc.id)}
        self.file.write(json.dumps(header, ensure_ascii=False, indent=1)[:-2] + ',\n "messages": [')
        self.first = True
        self._service(acc.total_posts, export_t)  # ids below the first simulated message

    def _emit(self, message: dict) -> None:
        body = json.dumps(message, ensure_ascii=False, indent=1).replace("\n", "\n  ")
        self.file.write(("\n  " if self.first else ",\n  ") + body)
        self.first = False
        self.file.record()

    def _service(self, message_id: int, t: int) -> None:
        """A pinned-message service entry at the top, as channels' exports have."""
        start = t - 400 * 86400
        self._emit(
            {
                "id": message_id,
                "type": "service",
                "date": local_naive(start, self.tz),
                "date_unixtime": str(start),
                "actor": self.acc.brand.name,
                "actor_id": f"channel{self.acc.id}",
                "action": "pin_message",
                "message_id": message_id - 1,
                "text": "",
                "text_entities": [],
            }
        )

    def add(self, m: Post) -> None:
        if m.published > self.export_t or (m.deleted_at is not None and m.deleted_at <= self.export_t):
            return
        text, entities = _export_text(m.text)
        message: dict = {
            "id": m.num,
            "type": "message",
            "date": local_naive(m.published, self.tz),
            "date_unixtime": str(m.published),
            "from": self.acc.brand.name,
            "from_id": f"channel{self.acc.id}",
        }
        if m.reply_to_msg is not None:
            message["reply_to_message_id"] = m.reply_to_msg
        if m.kind == "photo":
            message["photo"] = "(File not included. Change data exporting settings to download.)"
            message["width"], message["height"] = 1280, 960
        message["text"] = text
        message["text_entities"] = entities
        reactions = reaction_counts(m, self.export_t)
        if reactions:
            message["reactions"] = [{"type": "emoji", "count": n, "emoji": e} for e, n in reactions]
        self._emit(message)

    def close(self) -> None:
        self.file.write("\n ]\n}\n")
        self.file.close()
