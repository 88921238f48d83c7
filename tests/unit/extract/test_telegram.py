"""The Telegram connector against a fake Telethon client that answers with real TL objects.

The captures it writes are read back with the real ingest (`parse_file` and the telegram parser) and
the rows compared with the values set in the fake; then flood waits, rejected sessions (the other
channels go on), the min_id cursor's advance and the next run's resume from it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from telethon import errors

from pipelines.defs.extract.assets import ASSETS, extract_key
from pipelines.defs.extract.resources import platform_apis
from pipelines.extract import telegram
from pipelines.extract.http import RetrySettings
from pipelines.extract.registry import CONNECTORS
from pipelines.extract.run import ExtractSummary, extract
from pipelines.extract.state import ExtractState
from pipelines.ingest.brands import load_brands
from pipelines.ingest.parse import combine, parse_file
from pipelines.schemas import BY_NAME
from tests.unit.extract.telegram_fake import FakeChannel, FakeTelegram, flood, pinned_notice, post, rpc

OWN, RIVAL = 1234567890, 2234567890
SESSION = "1BVtsOK8Bu0nTHEFAKESESSIONSTRINGxyz=="
API_HASH = "0123456789abcdef0123456789abcdef"
ENV = {"SMM_TELEGRAM_API_ID": "123456", "SMM_TELEGRAM_API_HASH": API_HASH, "SMM_TELEGRAM_SESSION": SESSION}
FAST = RetrySettings(attempts=3, backoff_factor=0.01, max_wait_seconds=60, timeout_seconds=5)
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
BRANDS = f"""brands:
  - id: aurora_coffee
    name: Aurora Coffee
    own: true
    timezone: Europe/Kyiv
    accounts: {{telegram: "{OWN}"}}
  - id: boreal_beans
    name: Boreal Beans
    own: false
    timezone: Europe/Kyiv
    accounts: {{telegram: "{RIVAL}"}}
"""


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "brands.yml").write_text(BRANDS)
    return landing


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def _run(fake: FakeTelegram, landing: Path, waits: Waits | None = None, **kwargs) -> ExtractSummary:
    connector = telegram.connector(fake.factory, sleep=waits or Waits())
    return extract(
        [connector],
        load_brands(landing / "brands.yml"),
        landing,
        landing.parent / "data",
        retry=FAST,
        env=kwargs.pop("env", ENV),
        **kwargs,
    )


def _rows(landing: Path, entity: str, run_id: str = "*") -> tuple[pl.DataFrame, pl.DataFrame]:
    dataset = BY_NAME[f"telegram__{entity}"]
    files = sorted(landing.glob(f"telegram/{entity}/*_{run_id}.jsonl"))
    parses = [parse_file(dataset, path, landing) for path in files]
    result = combine(dataset, parses)
    return result.rows, result.quarantine


def _history(channel_id: int, count: int, *, first_id: int = 1, step: timedelta = timedelta(hours=5)) -> list:
    """`count` posts, the newest one hour ago, each `step` older than the next."""
    return [
        post(
            channel_id,
            first_id + i,
            NOW - timedelta(hours=1) - step * (count - 1 - i),
            text=f"post {first_id + i}",
            views=1000 + i,
            forwards=i % 7,
            replies=i % 3,
            reactions={"👍": 10 + i, "🔥": 2},
        )
        for i in range(count)
    ]


def _lines(landing: Path, entity: str, run_id: str = "*") -> list[dict]:
    files = sorted(landing.glob(f"telegram/{entity}/*_{run_id}.jsonl"))
    return [json.loads(line) for path in files for line in path.open()]


# ------------------------------------------------------------------ captures → ingest rows


def test_captures_load_through_the_ingest_parser_with_the_values_of_the_fake(landing):
    kyiv_evening = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)  # already 1 March 23:30 in Kyiv
    messages = [
        *_history(OWN, 230, first_id=10),
        post(
            OWN,
            300,
            NOW - timedelta(minutes=5),
            text="Нова кава ☕",
            views=12040,
            forwards=33,
            replies=12,
            reactions={"👍": 210, "🔥": 40},
            photo=True,
        ),
        post(OWN, 301, NOW - timedelta(minutes=4), text="no counters yet"),
        pinned_notice(OWN, 302, NOW - timedelta(minutes=3)),
    ]
    old = post(OWN, 5, kyiv_evening - timedelta(days=400), text="beyond the horizon", views=1)
    fake = FakeTelegram(
        [
            FakeChannel(OWN, "Aurora Coffee", "aurora_coffee", 18200, [old, *messages]),
            FakeChannel(RIVAL, "Boreal Beans", "boreal", 900, _history(RIVAL, 3)),
        ]
    )
    said: list[str] = []
    summary = _run(fake, landing, progress=said.append)

    (result,) = summary.platforms
    assert result.failures == [] and result.accounts_ok == [str(OWN), str(RIVAL)]
    # 233 own messages → 3 lines of ≤100, 3 rival messages → 1 line; one channel line each.
    assert (result.stats.pages, result.stats.records) == (3 + 1 + 2, 233 + 3 + 2)

    channels, channel_rejects = _rows(landing, "channel")
    assert channel_rejects.height == 0
    assert sorted(channels.select("channel_id", "title", "username", "participants_count").rows()) == [
        (str(OWN), "Aurora Coffee", "aurora_coffee", 18200),
        (str(RIVAL), "Boreal Beans", "boreal", 900),
    ]

    rows, rejects = _rows(landing, "messages")
    assert rejects["reason"].to_list() == ["service message, not a post"]  # the pin notice, named
    by_id = {r["post_id"]: r for r in rows.to_dicts()}
    assert len(by_id) == 232 + 3 and f"{OWN}_5" not in by_id  # older than the 90-day horizon: not read
    latest = by_id[f"{OWN}_300"]
    assert latest["published_at"] == NOW - timedelta(minutes=5)
    assert (latest["channel_id"], latest["message_id"], latest["text"]) == (str(OWN), 300, "Нова кава ☕")
    assert (latest["views"], latest["forwards"], latest["replies"], latest["reactions_total"]) == (
        12040,
        33,
        12,
        250,
    )
    bare = by_id[f"{OWN}_301"]
    assert (bare["views"], bare["forwards"], bare["reactions_total"]) == (None, None, None)
    tenth = by_id[f"{OWN}_19"]  # the 10th generated post: views 1009, forwards 9 % 7, reactions 19 + 2
    assert (tenth["views"], tenth["forwards"], tenth["replies"], tenth["reactions_total"]) == (1009, 2, 0, 21)
    assert by_id[f"{RIVAL}_1"]["channel_id"] == str(RIVAL)

    # Each line is the contract's envelope; the photo's bytes arrive in base64 as Telethon renders them.
    lines = _lines(landing, "messages")
    assert {line["endpoint"] for line in lines} == {"messages.getHistory"}
    assert all(line["fetched_at"].endswith("Z") for line in lines)
    photo = next(m for line in lines for m in line["response"]["messages"] if m["id"] == 300)
    assert photo["media"]["photo"]["file_reference"] == "AAH+"
    assert photo["date"] == (NOW - timedelta(minutes=5)).isoformat()

    # Nothing secret anywhere the run writes or says; the session is closed.
    written = b"".join(p.read_bytes() for p in landing.parent.rglob("*") if p.is_file())
    text = "\n".join([*said, result.line()])
    for secret in (SESSION, API_HASH):
        assert secret.encode() not in written and secret not in text
    assert fake.disconnected and fake.credentials == telegram.Credentials(123456, API_HASH, SESSION)


def test_published_at_is_utc_whatever_the_channel_local_day(landing):
    late = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 2 March 00:30 in Kyiv
    fake = FakeTelegram(
        [
            FakeChannel(OWN, "Aurora", "aurora", 1, [post(OWN, 7, late, text="midnight")]),
            FakeChannel(RIVAL, "Boreal", "boreal", 1, []),
        ]
    )
    _run(fake, landing, since=datetime(2026, 3, 1, tzinfo=UTC), until=datetime(2026, 3, 3, tzinfo=UTC))
    rows, _ = _rows(landing, "messages")
    (published,) = rows["published_at"].to_list()
    assert published.replace(tzinfo=UTC) == late
    # A backfill walks down from --until and moves no cursor.
    assert fake.calls[0]["offset_date"] == datetime(2026, 3, 3, tzinfo=UTC)
    assert ExtractState(landing.parent / "data", "telegram").position("messages", str(OWN)) is None


# ------------------------------------------------------------------ cursor


def test_the_cursor_advances_and_the_next_run_reads_new_posts_and_refreshes_the_lookback(
    landing, monkeypatch
):
    monkeypatch.setenv("SMM_EXTRACT_LOOKBACK_DAYS", "7")
    own = FakeChannel(OWN, "Aurora", "aurora", 100, _history(OWN, 40, step=timedelta(days=1)))  # ids 1..40
    rival = FakeChannel(RIVAL, "Boreal", "boreal", 5, _history(RIVAL, 2))
    first = _run(FakeTelegram([own, rival]), landing)
    assert first.platforms[0].failures == []
    state = ExtractState(landing.parent / "data", "telegram")
    assert state.position("messages", str(OWN)) == 40 and state.position("messages", str(RIVAL)) == 2

    # A day later: two new posts; a week-old post and a month-old one gained views.
    own.messages += [post(OWN, 41, NOW - timedelta(minutes=30), views=5), post(OWN, 42, NOW, views=1)]
    week_old = next(m for m in own.messages if m.id == 36)  # 4 days and 1 hour old: inside the lookback
    month_old = next(m for m in own.messages if m.id == 10)
    week_old.views, month_old.views = 99_999, 88_888
    fake = FakeTelegram([own, rival])
    second = _run(fake, landing)

    assert second.platforms[0].failures == []
    own_calls = [c for c in fake.calls if c["channel"] == OWN]
    assert [(c["min_id"], c["offset_id"]) for c in own_calls] == [(40, 0), (0, 41)]
    second_ids = [
        m["id"]
        for line in _lines(landing, "messages", run_id=second.run_id)
        if line["account_id"] == str(OWN)
        for m in line["response"]["messages"]
    ]
    assert second_ids == [42, 41, 40, 39, 38, 37, 36, 35, 34]  # the new ones, then the last 7 days again
    # The refreshed counter reaches the rows; the month-old post is not read again.
    rows, _ = _rows(landing, "messages", run_id=second.run_id)
    views = dict(rows.select("post_id", "views").rows())
    assert views[f"{OWN}_36"] == 99_999 and views[f"{OWN}_42"] == 1 and f"{OWN}_10" not in views
    assert ExtractState(landing.parent / "data", "telegram").position("messages", str(OWN)) == 42


# ------------------------------------------------------------------ flood waits


def test_a_flood_wait_is_waited_out_and_the_walk_resumes_below_the_last_message(landing):
    own = FakeChannel(
        OWN,
        "Aurora",
        "aurora",
        1,
        _history(OWN, 250),
        history_faults=[(150, flood(7))],
        full_faults=[flood(3)],
    )
    fake = FakeTelegram([own, FakeChannel(RIVAL, "Boreal", "boreal", 1, [])])
    waits = Waits()
    summary = _run(fake, landing, waits)
    (result,) = summary.platforms
    assert result.failures == []
    assert waits.seconds == [3, 7]
    assert (result.stats.retries, result.stats.seconds_waited) == (2, 10)
    ids = [m["id"] for line in _lines(landing, "messages") for m in line["response"]["messages"]]
    assert sorted(ids) == list(range(1, 251)) and len(ids) == len(set(ids))  # every post once, none twice
    assert [c["offset_id"] for c in fake.calls if c["channel"] == OWN] == [0, 101]  # resumed below id 101
    assert "retries" in result.line() and "10.0s waited" in result.line()


def test_a_flood_wait_beyond_the_bound_fails_that_endpoint_keeps_what_came_and_the_cursor(landing):
    own = FakeChannel(OWN, "Aurora", "aurora", 1, _history(OWN, 30), history_faults=[(10, flood(3600))])
    waits = Waits()
    rival = FakeChannel(RIVAL, "Boreal", "boreal", 1, _history(RIVAL, 1))
    summary = _run(FakeTelegram([own, rival]), landing, waits)
    (result,) = summary.platforms
    (failure,) = result.failures
    assert failure == (
        f"telegram {OWN} messages ({OWN}): flood wait of 3600s exceeds SMM_EXTRACT_MAX_WAIT_SECONDS "
        "(60s); fetched again next run"
    )
    assert waits.seconds == [] and result.accounts_ok == [str(RIVAL)]
    rows, _ = _rows(landing, "messages")
    own_ids = sorted(rows.filter(pl.col("channel_id") == str(OWN))["message_id"].to_list())
    assert own_ids == list(range(21, 31))  # the 10 newest, received before the wait: kept
    state = ExtractState(landing.parent / "data", "telegram")
    assert state.position("messages", str(OWN)) is None and state.last_success("messages", str(OWN)) is None
    assert state.last_success("channel", str(OWN)) is not None  # the channel snapshot was fine


# ------------------------------------------------------------------ auth


@pytest.mark.parametrize("error", [errors.AuthKeyUnregisteredError, errors.SessionRevokedError])
def test_a_rejected_session_stops_that_channel_and_the_others_go_on(landing, error):
    own = FakeChannel(OWN, "Aurora", "aurora", 1, _history(OWN, 3), full_faults=[rpc(error)])
    rival = FakeChannel(RIVAL, "Boreal", "boreal", 7, _history(RIVAL, 4))
    summary = _run(FakeTelegram([own, rival]), landing)
    (result,) = summary.platforms
    (failure,) = result.failures
    assert failure.startswith(f"telegram {OWN}: token rejected (") and failure.endswith(
        "renew SMM_TELEGRAM_SESSION"
    )
    assert result.accounts_ok == [str(RIVAL)]
    rows, _ = _rows(landing, "messages")
    assert sorted(rows["post_id"].to_list()) == [f"{RIVAL}_{i}" for i in range(1, 5)]


def test_an_invalid_application_names_both_variables_and_a_signed_out_session_its_own(landing):
    channels = [FakeChannel(OWN, "Aurora", "aurora", 1, []), FakeChannel(RIVAL, "Boreal", "boreal", 1, [])]
    summary = _run(FakeTelegram(channels, connect_error=rpc(errors.ApiIdInvalidError)), landing)
    assert [f.split(": token rejected")[0] for f in summary.platforms[0].failures] == [
        f"telegram {OWN}",
        f"telegram {RIVAL}",
    ]
    assert all(
        f.endswith("renew SMM_TELEGRAM_API_ID and SMM_TELEGRAM_API_HASH")
        for f in summary.platforms[0].failures
    )
    signed_out = _run(FakeTelegram(channels, authorized=False), landing)
    assert all(
        "session is not signed in" in f and f.endswith("renew SMM_TELEGRAM_SESSION")
        for f in signed_out.platforms[0].failures
    )


def test_a_dropped_connection_is_reported_once_per_channel_without_a_traceback(landing):
    channels = [FakeChannel(OWN, "Aurora", "aurora", 1, []), FakeChannel(RIVAL, "Boreal", "boreal", 1, [])]
    summary = _run(
        FakeTelegram(channels, connect_error=ConnectionError("Connection to Telegram failed 3 time(s)")),
        landing,
    )
    assert [f.split(": ", 1)[1] for f in summary.platforms[0].failures] == [
        "no answer from Telegram after 3 attempts (ConnectionError, timeout 5s)"
    ] * 2


# ------------------------------------------------------------------ channels and configuration


def test_a_channel_outside_the_cache_is_found_in_the_dialogs_once_and_an_unjoined_one_is_named(landing):
    own = FakeChannel(OWN, "Aurora", "aurora", 1, _history(OWN, 2), cached=False)
    rival = FakeChannel(RIVAL, "Boreal", "boreal", 1, _history(RIVAL, 2), cached=False, joined=False)
    fake = FakeTelegram([own, rival])
    summary = _run(fake, landing)
    (result,) = summary.platforms
    assert result.accounts_ok == [str(OWN)] and fake.dialogs_loaded == 1
    (failure,) = result.failures
    assert failure == (
        f"telegram {RIVAL}: channel {RIVAL} is unknown to this session: "
        "the account of SMM_TELEGRAM_SESSION must have joined it"
    )


def test_missing_variables_skip_the_platform_and_a_malformed_api_id_is_bad_configuration(landing):
    fake = FakeTelegram([])
    skipped = _run(fake, landing, env={"SMM_TELEGRAM_SESSION": SESSION})
    assert skipped.platforms[0].line() == (
        "telegram: skipped — SMM_TELEGRAM_API_ID and SMM_TELEGRAM_API_HASH are not set"
    )
    assert fake.credentials is None
    with pytest.raises(ValueError, match="SMM_TELEGRAM_API_ID='abc' is not a number"):
        _run(fake, landing, env={**ENV, "SMM_TELEGRAM_API_ID": "abc"})


def test_telegram_is_registered_and_its_three_variables_are_bound_in_dagster(monkeypatch):
    connector = CONNECTORS["telegram"]
    assert connector.credential_envs == (
        "SMM_TELEGRAM_SESSION",
        "SMM_TELEGRAM_API_ID",
        "SMM_TELEGRAM_API_HASH",
    )
    assert extract_key("telegram") in {a.key for a in ASSETS}
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SMM_API_BASE_URL", raising=False)
    apis = platform_apis()
    assert isinstance(apis.telegram_session, dg.EnvVar)
    with dg.build_resources({"apis": apis}) as resources:  # resolved by Dagster, as in a run
        assert {k: v for k, v in resources.apis.extract_env().items() if "TELEGRAM" in k} == ENV


def test_the_real_client_refuses_a_malformed_session_string_naming_the_variable(landing):
    # The registered connector's own Telethon factory: a session string it cannot decode fails every
    # channel with the variable to renew, before any connection is tried.
    summary = extract(
        [CONNECTORS["telegram"]],
        load_brands(landing / "brands.yml"),
        landing,
        landing.parent / "data",
        retry=FAST,
        env={**ENV, "SMM_TELEGRAM_SESSION": "not-a-session"},
    )
    failures = summary.platforms[0].failures
    assert failures == [
        f"telegram {channel}: token rejected (the session string is not a Telethon StringSession); "
        "renew SMM_TELEGRAM_SESSION"
        for channel in (OWN, RIVAL)
    ]


def test_the_dagster_asset_runs_the_connector_with_the_resource_variables_and_reports_metadata(landing):
    from pipelines.defs.extract.assets import _extract_asset
    from pipelines.defs.extract.resources import PlatformApis

    fake = FakeTelegram(
        [FakeChannel(OWN, "Aurora", "aurora", 1, _history(OWN, 120)), FakeChannel(RIVAL, "B", "b", 1, [])]
    )
    apis = PlatformApis(
        landing_dir=str(landing),
        data_dir=str(landing.parent / "data"),
        telegram_api_id="123456",
        telegram_api_hash=API_HASH,
        telegram_session=SESSION,
    )
    asset = _extract_asset("telegram", lambda _: telegram.connector(fake.factory, sleep=Waits()))
    result = dg.materialize([asset], resources={"apis": apis})
    metadata = result.asset_materializations_for_node("extract__telegram")[0].metadata
    assert (metadata["pages"].value, metadata["records"].value, metadata["files"].value) == (4, 122, 3)
    assert fake.credentials == telegram.Credentials(123456, API_HASH, SESSION)
