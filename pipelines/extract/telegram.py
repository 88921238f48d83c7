"""Telegram channels over MTProto with Telethon: the full channel and its message history, rendered
as the contract's JSON (Telethon's `to_json()`: `_` type names, ISO dates in UTC, bytes in base64).

Credentials (environment only): `SMM_TELEGRAM_API_ID` and `SMM_TELEGRAM_API_HASH` (the application,
from my.telegram.org) and `SMM_TELEGRAM_SESSION`, a Telethon `StringSession` of an account that can
read the channels. Per channel of brands.yml (`accounts.telegram`, the numeric id):
- `channel`: channels.getFullChannel, one capture line (subscribers, title, username);
- `messages`: the history through `iter_messages`, newest first, one capture line per 100 messages
  (what one messages.getHistory page holds), rendered `{"messages": [...]}`. The first run reads back
  to the horizon; later runs read what is newer than the highest message id fetched so far (`min_id`,
  the durable cursor) and again the posts of the lookback window, whose views, forwards, replies and
  reactions are lifetime counters that keep changing. `--since/--until` reads exactly those dates and
  moves no cursor.

A flood wait (FloodWaitError) is waited out when it is at most `SMM_EXTRACT_MAX_WAIT_SECONDS` and
the call retried (a history walk resumes below the last message received); a longer one fails that
endpoint. A rejected session or application stops that channel with a line naming the variable to
renew; the other channels go on.

The Telethon client is made by a factory (`connector(client_factory=…)`): tests pass a fake that
returns real Telethon TL objects, since MTProto cannot be served by the HTTP sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from telethon import errors
from telethon.tl.functions.channels import GetFullChannelRequest
from telethon.tl.types import PeerChannel

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.credentials import TELEGRAM_API_HASH_ENV as API_HASH_ENV
from pipelines.extract.credentials import TELEGRAM_API_ID_ENV as API_ID_ENV
from pipelines.extract.credentials import TELEGRAM_SESSION_ENV as SESSION_ENV
from pipelines.extract.errors import ApiError, AuthFailed, ExtractError, Unreachable
from pipelines.extract.http import CallStats, RetrySettings

CHANNEL = "channel"
MESSAGES = "messages"
PAGE = 100  # messages per capture line: one messages.getHistory page

T = TypeVar("T")


class TelethonClient(Protocol):
    """The methods of `telethon.TelegramClient` this connector calls (a test fake has the same)."""

    async def connect(self) -> None: ...

    async def is_user_authorized(self) -> bool: ...

    async def get_input_entity(self, peer: Any) -> Any: ...

    async def get_dialogs(self) -> Any: ...

    def iter_messages(self, entity: Any, **kwargs: Any) -> AsyncIterator[Any]: ...

    async def __call__(self, request: Any) -> Any: ...

    def disconnect(self) -> Any: ...


@dataclass(frozen=True)
class Credentials:
    api_id: int
    api_hash: str
    session: str


ClientFactory = Callable[[Credentials, RetrySettings], TelethonClient]
Sleep = Callable[[float], Awaitable[None]]


class TelegramAuthFailed(AuthFailed):
    """Telegram refused the session or the application; `renew` names the variable(s) to replace."""

    def __init__(self, message: str, renew: str) -> None:
        super().__init__(message)
        self.renew = renew


class FloodWaitTooLong(ApiError):
    """Telegram asks for a longer wait than the run may spend: that endpoint fails, fetched next run."""


def telethon_client(credentials: Credentials, retry: RetrySettings) -> TelethonClient:
    """A real client: the session string signs in, nothing is written to disk."""
    from telethon import TelegramClient
    from telethon.sessions import StringSession

    return TelegramClient(  # type: ignore[return-value]
        StringSession(credentials.session),
        credentials.api_id,
        credentials.api_hash,
        flood_sleep_threshold=0,  # every flood wait comes to us: bounded, counted
        request_retries=retry.attempts,
        connection_retries=retry.attempts,
        timeout=retry.timeout_seconds,
        receive_updates=False,
    )


def read_credentials(env: Mapping[str, str]) -> Credentials:
    """The three variables; a malformed api_id is bad configuration (ValueError)."""
    raw_id = env.get(API_ID_ENV, "").strip()
    try:
        api_id = int(raw_id)
    except ValueError:
        raise ValueError(
            f"{API_ID_ENV}={raw_id!r} is not a number (the api_id from my.telegram.org)"
        ) from None
    return Credentials(api_id, env.get(API_HASH_ENV, "").strip(), env.get(SESSION_ENV, "").strip())


class TelegramSession:
    """One platform run's Telethon client on its own event loop: connected on first use, its flood
    waits and errors turned into the run's, what it cost counted in `stats`."""

    def __init__(
        self, credentials: Credentials, retry: RetrySettings, factory: ClientFactory, sleep: Sleep
    ) -> None:
        self.credentials, self.retry, self._factory, self._sleep = credentials, retry, factory, sleep
        self.stats = CallStats()
        self._loop = asyncio.new_event_loop()
        self._client: TelethonClient | None = None
        self._broken: ExtractError | None = None  # a failed sign-in fails every channel the same way
        self.dialogs_loaded = False

    def secret_values(self) -> Iterator[str]:
        yield self.credentials.api_hash
        yield self.credentials.session

    def run(self, work: Awaitable[T]) -> T:
        return self._loop.run_until_complete(work)

    def close(self) -> None:
        try:
            if self._client is not None:
                with contextlib.suppress(OSError, errors.RPCError):
                    self.run(_disconnect(self._client))
        finally:
            self._loop.close()

    async def client(self) -> TelethonClient:
        if self._broken is not None:
            raise self._broken
        if self._client is None:
            try:
                try:
                    client = self._factory(self.credentials, self.retry)
                except ValueError:  # StringSession refuses the string
                    raise TelegramAuthFailed(
                        "the session string is not a Telethon StringSession", SESSION_ENV
                    ) from None
                await self.call(client.connect)
                if not await self.call(client.is_user_authorized):
                    raise TelegramAuthFailed("the session is not signed in", SESSION_ENV)
            except ExtractError as exc:
                self._broken = exc
                raise
            self._client = client
        return self._client

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """One request; a flood wait is waited out and the request sent again."""
        attempt = 1
        while True:
            self.stats.requests += 1
            try:
                return await make()
            except errors.FloodError as exc:
                await self.flood_wait(exc, attempt)
                attempt += 1
            except (errors.RPCError, OSError) as exc:  # OSError: timeouts and dropped connections too
                raise self.translate(exc) from None

    async def flood_wait(self, exc: errors.FloodError, attempt: int) -> None:
        """Wait what Telegram asks, within the run's bounds, or fail the endpoint."""
        seconds = float(getattr(exc, "seconds", 0) or 0)
        if seconds > self.retry.max_wait_seconds:
            raise FloodWaitTooLong(
                f"flood wait of {seconds:.0f}s exceeds SMM_EXTRACT_MAX_WAIT_SECONDS "
                f"({self.retry.max_wait_seconds:.0f}s); fetched again next run"
            )
        if attempt >= self.retry.attempts:
            raise ApiError(f"flood wait after {attempt} attempts; fetched again next run")
        self.stats.retries += 1
        await self._sleep(seconds)
        self.stats.seconds_waited += seconds

    def translate(self, exc: BaseException) -> ExtractError:
        """Telethon's errors as the run's: auth stops the channel, the rest fails the endpoint."""
        if isinstance(exc, errors.ApiIdInvalidError):
            return TelegramAuthFailed(str(exc), f"{API_ID_ENV} and {API_HASH_ENV}")
        if isinstance(exc, errors.UnauthorizedError | errors.AuthKeyError):
            return TelegramAuthFailed(str(exc), SESSION_ENV)
        if isinstance(exc, errors.RPCError):
            return ApiError(f"Telegram {exc.code} {exc.message}: {exc}")
        return Unreachable(
            f"no answer from Telegram after {self.retry.attempts} attempts "
            f"({type(exc).__name__}, timeout {self.retry.timeout_seconds:g}s)"
        )


async def _disconnect(client: TelethonClient) -> None:
    """Telethon's disconnect hands back an awaitable when its loop runs (it does here)."""
    pending = client.disconnect()
    if isinstance(pending, Awaitable):
        await pending


def render(tl_object: Any) -> Any:
    """A TL object as the contract's JSON: Telethon's own rendering."""
    return json.loads(tl_object.to_json())


def extract_account(ctx: AccountContext) -> None:
    session = ctx.client
    assert isinstance(session, TelegramSession), "the telegram connector runs on its own session"
    session.run(_extract(ctx, session))


async def _extract(ctx: AccountContext, session: TelegramSession) -> None:
    channel = await _input_channel(session, ctx.account_id)
    client = await session.client()
    try:
        full = await session.call(lambda: client(GetFullChannelRequest(channel)))
        _write(ctx, session, CHANNEL, "channels.getFullChannel", render(full), 1, {"channel": ctx.account_id})
    except (AuthFailed, Unreachable):
        raise  # the whole channel stops
    except ExtractError as exc:
        _failed(ctx, CHANNEL, exc)
    await _history(ctx, session, channel)


async def _input_channel(session: TelegramSession, account_id: str) -> Any:
    """The channel's input peer: from the session's cache, else after loading the account's dialogs
    (a numeric id alone lacks the access hash Telegram requires)."""
    try:
        peer = PeerChannel(int(account_id))
    except ValueError:
        raise ApiError(
            f"{account_id!r} is not a channel id (brands.yml accounts.telegram is the numeric id)"
        ) from None
    client = await session.client()
    with contextlib.suppress(ValueError):  # Telethon: "Could not find the input entity"
        return await session.call(lambda: client.get_input_entity(peer))
    if not session.dialogs_loaded:
        session.dialogs_loaded = True  # once per run: it lists every chat of the account
        await session.call(client.get_dialogs)
        with contextlib.suppress(ValueError):
            return await session.call(lambda: client.get_input_entity(peer))
    raise ApiError(
        f"channel {account_id} is unknown to this session: the account of {SESSION_ENV} must have joined it"
    )


async def _history(ctx: AccountContext, session: TelegramSession, channel: Any) -> None:
    """The message walks of this run (see the module docstring); the cursor moves once all completed."""
    since = ctx.since(MESSAGES)
    position = None if ctx.backfill else ctx.state.position(MESSAGES, ctx.account_id)
    walks: list[tuple[dict[str, Any], datetime | None]]
    if ctx.backfill:
        walks = [({"offset_date": ctx.until}, since)]
    elif position is None:
        walks = [({}, since)]  # a new data dir: back to the horizon
    else:
        # What is new since the cursor, whatever its date; then the lookback's posts again.
        walks = [({"min_id": position}, None), ({"offset_id": position + 1}, since)]
    highest = position or 0
    try:
        for kwargs, down_to in walks:
            highest = max(highest, await _walk(ctx, session, channel, kwargs, down_to))
    except (AuthFailed, Unreachable):
        raise
    except ExtractError as exc:
        _failed(ctx, MESSAGES, exc)
        return
    ctx.attempted.add(MESSAGES)
    if not ctx.backfill and highest:
        ctx.state.advance(MESSAGES, ctx.account_id, highest)


async def _walk(
    ctx: AccountContext,
    session: TelegramSession,
    channel: Any,
    kwargs: dict[str, Any],
    down_to: datetime | None,
) -> int:
    """Messages newest first per `kwargs`, down to `down_to` (exclusive), written 100 a line; after a
    flood wait the walk resumes below the last message received. Returns the highest id seen."""
    client = await session.client()
    params = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in kwargs.items()}
    if down_to is not None:
        params["down_to_date"] = down_to.astimezone(UTC).isoformat()
    batch: list[Any] = []
    highest, lowest = 0, None
    attempt = 1
    try:
        while True:
            resume = dict(kwargs) if lowest is None else {**kwargs, "offset_id": lowest, "offset_date": None}
            session.stats.requests += 1
            try:
                async for message in client.iter_messages(channel, **resume):
                    date = getattr(message, "date", None)
                    if down_to is not None and date is not None and date < down_to:
                        break
                    batch.append(message)
                    highest, lowest = max(highest, message.id), message.id
                    if len(batch) == PAGE:
                        _write_messages(ctx, session, batch, params)
                        batch = []
                return highest
            except errors.FloodError as exc:
                await session.flood_wait(exc, attempt)
                attempt += 1
            except (errors.RPCError, OSError) as exc:  # OSError: timeouts and dropped connections too
                raise session.translate(exc) from None
    finally:
        if batch:  # the last part-page; also when the walk failed: those are real snapshots
            _write_messages(ctx, session, batch, params)


def _write_messages(
    ctx: AccountContext, session: TelegramSession, batch: list[Any], params: dict[str, Any]
) -> None:
    body = {"messages": [render(m) for m in batch]}
    _write(ctx, session, MESSAGES, "messages.getHistory", body, len(batch), params)


def _write(
    ctx: AccountContext,
    session: TelegramSession,
    entity: str,
    endpoint: str,
    body: Any,
    records: int,
    params: dict[str, Any],
) -> None:
    session.stats.pages += 1
    session.stats.records += records
    ctx.write_page(entity, endpoint, fetched_at=datetime.now(UTC), response=body, params=params)


def _failed(ctx: AccountContext, entity: str, exc: ExtractError) -> None:
    ctx.attempted.add(entity)
    ctx.failed.add(entity)
    ctx.failures.append(f"{entity} ({ctx.account_id}): {exc}")


def connector(client_factory: ClientFactory = telethon_client, sleep: Sleep = asyncio.sleep) -> Connector:
    """The Telegram connector; tests pass a fake `client_factory` (and `sleep`)."""

    def open_client(env: Mapping[str, str], retry: RetrySettings) -> TelegramSession:
        return TelegramSession(read_credentials(env), retry, client_factory, sleep)

    return Connector(
        platform="telegram",
        base_url="",  # MTProto: no HTTP base URL, SMM_API_BASE_URL does not apply
        make_auth=_no_http,
        classify=_no_http,
        extract_account=extract_account,
        open_client=open_client,
    )


def _no_http(*_: Any) -> Any:
    raise AssertionError("the telegram connector does not speak HTTP")


CONNECTOR = connector()
