"""A fake at the Telethon client boundary: the methods of `telethon.TelegramClient` the Telegram
connector calls, answering with real Telethon TL objects built here (MTProto cannot be served by
the HTTP sandbox). History follows Telethon's `iter_messages` rules: newest first, `offset_id` and
`offset_date` exclusive upper bounds, `min_id` an exclusive lower bound.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telethon import errors
from telethon.tl import types
from telethon.tl.functions.channels import GetChannelsRequest, GetFullChannelRequest
from telethon.tl.functions.messages import GetHistoryRequest

from pipelines.extract.http import RetrySettings
from pipelines.extract.telegram import Credentials


def post(
    channel_id: int,
    message_id: int,
    date: datetime,
    *,
    text: str = "",
    views: int | None = None,
    forwards: int | None = None,
    replies: int | None = None,
    reactions: dict[str, int] | None = None,
    photo: bool = False,
) -> types.Message:
    """A channel post as `iter_messages` yields it."""
    return types.Message(
        id=message_id,
        peer_id=types.PeerChannel(channel_id),
        date=date,
        message=text,
        post=True,
        views=views,
        forwards=forwards,
        replies=None
        if replies is None
        else types.MessageReplies(replies=replies, replies_pts=1000 + message_id),
        reactions=None
        if reactions is None
        else types.MessageReactions(
            results=[
                types.ReactionCount(reaction=types.ReactionEmoji(e), count=n) for e, n in reactions.items()
            ]
        ),
        media=types.MessageMediaPhoto(
            photo=types.Photo(
                id=5000 + message_id,
                access_hash=77,
                file_reference=b"\x00\x01\xfe",  # bytes: rendered in base64 by Telethon's to_json
                date=date,
                sizes=[types.PhotoSize(type="x", w=800, h=600, size=51234)],
                dc_id=2,
            )
        )
        if photo
        else None,
    )


def pinned_notice(channel_id: int, message_id: int, date: datetime) -> types.MessageService:
    return types.MessageService(
        id=message_id,
        peer_id=types.PeerChannel(channel_id),
        date=date,
        action=types.MessageActionPinMessage(),
        reply_to=types.MessageReplyHeader(reply_to_msg_id=message_id - 1),
    )


@dataclass
class FakeChannel:
    id: int
    title: str
    username: str
    subscribers: int
    messages: list[Any] = field(default_factory=list)
    joined: bool = True  # the session's account is a member: found once its dialogs are loaded
    cached: bool = True  # already in the session's entity cache
    # Raised, in order, by history walks of this channel after `raise_after` messages.
    history_faults: list[tuple[int, Exception]] = field(default_factory=list)
    full_faults: list[Exception] = field(default_factory=list)

    def input_peer(self) -> types.InputPeerChannel:
        return types.InputPeerChannel(channel_id=self.id, access_hash=self.id * 7)

    def full(self) -> types.messages.ChatFull:
        return types.messages.ChatFull(
            full_chat=types.ChannelFull(
                id=self.id,
                about=f"{self.title}: news",
                read_inbox_max_id=0,
                read_outbox_max_id=0,
                unread_count=0,
                chat_photo=types.PhotoEmpty(id=0),
                notify_settings=types.PeerNotifySettings(),
                bot_info=[],
                pts=1,
                participants_count=self.subscribers,
            ),
            chats=[
                types.Channel(
                    id=self.id,
                    title=self.title,
                    photo=types.ChatPhotoEmpty(),
                    date=datetime(2020, 1, 1, tzinfo=UTC),
                    broadcast=True,
                    access_hash=self.id * 7,
                    username=self.username,
                )
            ],
            users=[],
        )


class FakeTelegram:
    """The client for one run; `calls` records every history walk's arguments."""

    def __init__(
        self, channels: list[FakeChannel], *, authorized: bool = True, connect_error: Exception | None = None
    ):
        self.channels = {c.id: c for c in channels}
        self.authorized = authorized
        self.connect_error = connect_error
        self.calls: list[dict[str, Any]] = []
        self.dialogs_loaded = 0
        self.connected = False
        self.disconnected = False
        self.credentials: Credentials | None = None

    def factory(self, credentials: Credentials, retry: RetrySettings) -> FakeTelegram:
        self.credentials = credentials
        return self

    async def connect(self) -> None:
        if self.connect_error is not None:
            raise self.connect_error
        self.connected = True

    async def is_user_authorized(self) -> bool:
        return self.authorized

    async def get_input_entity(self, peer: types.PeerChannel) -> types.InputPeerChannel:
        channel = self.channels.get(peer.channel_id)
        if channel is None or not channel.cached:
            raise ValueError(f"Could not find the input entity for {peer} (PeerChannel)")
        return channel.input_peer()

    async def get_dialogs(self) -> list[Any]:
        self.dialogs_loaded += 1
        for channel in self.channels.values():
            channel.cached = channel.cached or channel.joined
        return []

    async def __call__(self, request: Any) -> Any:
        assert isinstance(request, GetFullChannelRequest), request
        channel = self.channels[request.channel.channel_id]
        if channel.full_faults:
            raise channel.full_faults.pop(0)
        return channel.full()

    async def iter_messages(
        self,
        entity: types.InputPeerChannel,
        limit: int | None = None,
        *,
        offset_date: datetime | None = None,
        offset_id: int = 0,
        min_id: int = 0,
        max_id: int = 0,
        **unexpected: Any,
    ) -> AsyncIterator[Any]:
        assert not unexpected and limit is None, unexpected
        self.calls.append(
            {
                "channel": entity.channel_id,
                "offset_date": offset_date,
                "offset_id": offset_id,
                "min_id": min_id,
            }
        )
        channel = self.channels[entity.channel_id]
        newest_first = sorted(channel.messages, key=lambda m: m.id, reverse=True)
        given = 0
        for message in newest_first:
            if offset_id and message.id >= offset_id:
                continue
            if offset_date and message.date >= offset_date:
                continue
            if max_id and message.id >= max_id:
                continue
            if message.id <= min_id:
                return
            if channel.history_faults and channel.history_faults[0][0] == given:
                raise channel.history_faults.pop(0)[1]
            given += 1
            yield message

    def disconnect(self) -> None:
        self.disconnected = True


def flood(seconds: int) -> errors.FloodWaitError:
    return errors.FloodWaitError(
        request=GetHistoryRequest(types.InputPeerEmpty(), 0, None, 0, 100, 0, 0, 0), capture=seconds
    )


def rpc(error_class: type[errors.RPCError]) -> errors.RPCError:
    return error_class(request=GetChannelsRequest([]))
