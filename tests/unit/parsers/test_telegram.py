"""Telegram parser: the real Telegram Desktop export, the contract's MTProto-as-JSON shapes, and
broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.ingest.parse import ingest_files
from pipelines.ingest.parse_cache import ingest_cached
from pipelines.parsers import telegram
from pipelines.parsers.base import Rejected
from pipelines.schemas import BY_NAME
from tests.unit.parsers.landing_kit import parse, parse_export, real_files, real_json, utc

REAL_EXPORT = "langchain__telegram_desktop_personal_chat_result.json"

# ---------------------------------------------------------------- real export


def test_every_real_telegram_fixture_is_covered():
    assert real_files("telegram") == {REAL_EXPORT}


def test_real_personal_chat_export_is_refused_naming_the_chat_type():
    with pytest.raises(Rejected) as refused:
        parse_export("telegram", "export", real_json("telegram", REAL_EXPORT))
    assert str(refused.value) == "telegram export of a personal_chat, not a channel: refused"


def _as_channel(document: dict) -> dict:
    """The real export's messages as a channel export (the only kind the warehouse reads)."""
    return {**document, "type": "public_channel"}


def test_real_export_messages_in_a_channel_export_are_timed_by_date_unixtime():
    rows, rejects = parse_export("telegram", "export", _as_channel(real_json("telegram", REAL_EXPORT)))
    assert rejects == []
    assert [r["post_id"] for r in rows] == ["5965280513_1", "5965280513_2", "5965280513_3", "5965280513_4"]
    # `date` says 13:11:23 (the exporting computer's local time); date_unixtime is the truth.
    assert [r["published_at"] for r in rows] == [
        utc(2023, 8, 23, 20, 11, 23),
        utc(2023, 8, 23, 20, 13, 20),
        utc(2023, 8, 23, 20, 15, 35),
        utc(2023, 8, 23, 20, 15, 53),
    ]
    assert rows[1] == {
        "post_id": "5965280513_2",
        "channel_id": "5965280513",
        "message_id": 2,
        "message_type": "message",
        "published_at": utc(2023, 8, 23, 20, 13, 20),
        "text": "Hi nemesis",
        "author": "Batman & Robin",  # Telegram sends raw text: nothing to unescape
        "author_id": "user6565661032",
        "reactions_total": None,  # the export has no reactions here: unknown, not 0
    }
    assert [r["author_id"] for r in rows] == [
        "user123450513",
        "user6565661032",
        "user123450513",
        "user123450513",
    ]


@pytest.mark.parametrize("chat_type", ["private_group", "private_supergroup", "saved_messages", "bot_chat"])
def test_every_chat_that_is_not_a_channel_is_refused(chat_type):
    document = {**real_json("telegram", REAL_EXPORT), "type": chat_type}
    with pytest.raises(Rejected, match=f"telegram export of a {chat_type}, not a channel: refused"):
        parse_export("telegram", "export", document)


def test_export_without_a_chat_type_is_refused():
    document = {k: v for k, v in real_json("telegram", REAL_EXPORT).items() if k != "type"}
    with pytest.raises(Rejected, match="type: missing"):
        parse_export("telegram", "export", document)


# ---------------------------------------------------------------- the contract's shapes

CONTRACT_CHANNEL = {
    "full_chat": {"id": 1234567890, "participants_count": 18200, "about": "Coffee roasters from Kyiv"},
    "chats": [
        {"id": 999, "title": "Linked discussion group", "username": None},
        {"id": 1234567890, "title": "Aurora Coffee", "username": "aurora_coffee"},
    ],
}

CONTRACT_MESSAGE = {
    "_": "Message",
    "id": 501,
    "date": "2026-03-01T08:00:00+00:00",
    "message": "Spring blend is here ☕",
    "views": 12040,
    "forwards": 33,
    "replies": {"replies": 12},
    "reactions": {
        "results": [
            {"reaction": {"emoticon": "👍"}, "count": 210},
            {"reaction": {"emoticon": "🔥"}, "count": 40},
        ]
    },
}

CONTRACT_EXPORT = {
    "name": "Aurora Coffee",
    "type": "public_channel",
    "id": 1234567890,
    "messages": [
        {
            "id": 7,
            "type": "service",
            "date": "2026-03-01T10:00:00",
            "date_unixtime": "1772352000",
            "actor": "Aurora Coffee",
            "action": "pin_message",
            "text": "",
        },
        {
            "id": 8,
            "type": "message",
            "date": "2026-03-01T11:00:00",
            "date_unixtime": "1772355600",
            "from": "Aurora Coffee",
            "from_id": "channel1234567890",
            "text": [
                "Try the ",
                {"type": "bold", "text": "Spring blend"},
                " at ",
                {"type": "link", "text": "aurora.coffee"},
            ],
            "reactions": [
                {"type": "emoji", "count": 210, "emoji": "👍"},
                {"type": "emoji", "count": 4, "emoji": "🔥"},
            ],
        },
    ],
}


def test_contract_channel_takes_title_and_username_from_the_matching_chat():
    rows, _ = parse("telegram", "channel", CONTRACT_CHANNEL)
    assert rows == [
        {
            "channel_id": "1234567890",
            "title": "Aurora Coffee",
            "username": "aurora_coffee",
            "participants_count": 18200,
        }
    ]


def test_contract_message_counters_and_reaction_total():
    rows, _ = parse("telegram", "messages", {"messages": [CONTRACT_MESSAGE]})
    assert rows == [
        {
            "post_id": "1234567890_501",
            "channel_id": "1234567890",
            "message_id": 501,
            "published_at": utc(2026, 3, 1, 8),
            "text": "Spring blend is here ☕",
            "views": 12040,
            "forwards": 33,
            "replies": 12,
            "reactions_total": 250,
            "reply_to_message_id": None,
        }
    ]


def test_message_without_reactions_has_null_total_and_reply_target_is_kept():
    message = {k: v for k, v in CONTRACT_MESSAGE.items() if k != "reactions"}
    message["reply_to"] = {"_": "MessageReplyHeader", "reply_to_msg_id": 480}
    [row], _ = parse("telegram", "messages", {"messages": [message]})
    assert row["reactions_total"] is None
    assert row["reply_to_message_id"] == 480


def test_peer_channel_id_wins_over_the_capture_account():
    message = {**CONTRACT_MESSAGE, "peer_id": {"_": "PeerChannel", "channel_id": 555}}
    [row], _ = parse("telegram", "messages", {"messages": [message]})
    assert (row["post_id"], row["channel_id"]) == ("555_501", "555")


def test_service_message_is_rejected_visibly_not_dropped():
    service = {
        "_": "MessageService",
        "id": 500,
        "date": "2026-03-01T07:00:00+00:00",
        "action": {"_": "MessageActionPinMessage"},
    }
    rows, rejects = parse("telegram", "messages", {"messages": [service, CONTRACT_MESSAGE]})
    assert [r["message_id"] for r in rows] == [501]
    assert rejects == ["service message, not a post"]


def test_contract_export_joins_text_entities_sums_reactions_and_rejects_service_messages():
    rows, rejects = parse_export("telegram", "export", CONTRACT_EXPORT)
    assert rejects == ["message 7: service message, not a post"]
    assert rows == [
        {
            "post_id": "1234567890_8",
            "channel_id": "1234567890",
            "message_id": 8,
            "message_type": "message",
            "published_at": utc(2026, 3, 1, 9),  # date_unixtime, not the local "11:00"
            "text": "Try the Spring blend at aurora.coffee",
            "author": "Aurora Coffee",
            "author_id": "channel1234567890",
            "reactions_total": 214,
        }
    ]


# ---------------------------------------------------------------- errors and broken input


def test_non_object_and_error_bodies_are_errors():
    assert telegram.error_of([CONTRACT_MESSAGE]) == "response is not a JSON object (got array)"
    assert telegram.error_of({"error": {"code": 420, "message": "FLOOD_WAIT_30"}}) == "420 FLOOD_WAIT_30"
    assert telegram.error_of(CONTRACT_CHANNEL) is None
    with pytest.raises(Rejected, match="API error body: 420 FLOOD_WAIT_30"):
        parse("telegram", "messages", {"error": {"code": 420, "message": "FLOOD_WAIT_30"}})


def test_channel_without_full_chat_is_rejected():
    rows, rejects = parse("telegram", "channel", {"chats": []})
    assert rows == [] and rejects == ["full_chat: missing"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"views": -1}, "views: negative count -1"),
        ({"forwards": "33k"}, "forwards: expected an integer"),
        ({"id": None}, "id: missing"),
        ({"date": "01.03.2026"}, "date: unparseable timestamp"),
        ({"replies": {"replies": -2}}, "replies.replies: negative count -2"),
        ({"reactions": {"results": [{"count": -5}]}}, "reactions.results[].count: negative count -5"),
        ({"reactions": {"results": "many"}}, "reactions.results: expected a JSON array"),
        ({"_": "MessageEmpty"}, "empty message"),
    ],
)
def test_bad_message_field_rejects_only_that_message(change, reason):
    rows, rejects = parse(
        "telegram", "messages", {"messages": [{**CONTRACT_MESSAGE, **change}, CONTRACT_MESSAGE]}
    )
    assert [r["message_id"] for r in rows] == [501]
    assert len(rejects) == 1 and rejects[0].startswith(reason), rejects


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"date_unixtime": None}, "date_unixtime: missing"),
        ({"date_unixtime": "1 March"}, "date_unixtime: expected an integer"),
        ({"text": 42}, "text: expected a string or an array"),
        ({"text": ["ok", 42]}, "text[]: expected a string or an entity object"),
        ({"reactions": [{"type": "emoji", "count": "x"}]}, "reactions[].count: expected an integer"),
        ({"id": "eight"}, "messages[].id: expected an integer"),
    ],
)
def test_bad_export_message_field_rejects_only_that_message_naming_it(change, reason):
    """A whole export is one landing line: the quarantine reason is what names the record."""
    good = CONTRACT_EXPORT["messages"][1]
    document = {**CONTRACT_EXPORT, "messages": [{**good, **change}, good]}
    rows, rejects = parse_export("telegram", "export", document)
    assert [r["message_id"] for r in rows] == [8]
    label = f"message {change.get('id', 8)}"
    assert len(rejects) == 1 and rejects[0].startswith(f"{label}: {reason}"), rejects


@pytest.mark.parametrize("message", [{"type": "message", "text": "no id"}, {"id": None}, "not an object"])
def test_export_message_without_a_usable_id_is_named_by_its_position(message):
    document = {**CONTRACT_EXPORT, "messages": [CONTRACT_EXPORT["messages"][1], message]}
    rows, rejects = parse_export("telegram", "export", document)
    assert [r["message_id"] for r in rows] == [8]
    assert len(rejects) == 1 and rejects[0].startswith("messages[1] (no id): "), rejects


# ---------------------------------------------------------------- legacy exports (no date_unixtime)

LEGACY_MESSAGE = {k: v for k, v in CONTRACT_EXPORT["messages"][1].items() if k != "date_unixtime"}
LEGACY_EXPORT = {**CONTRACT_EXPORT, "messages": [LEGACY_MESSAGE]}


def test_legacy_export_reads_local_date_in_the_owning_brands_time_zone():
    rows, rejects = parse_export(
        "telegram", "export", LEGACY_EXPORT, owner_timezones={"1234567890": "Europe/Kyiv", "1": "UTC"}
    )
    assert rejects == []
    # "2026-03-01T11:00:00" in Kyiv (UTC+2 in winter) is what date_unixtime 1772355600 says.
    assert [r["published_at"] for r in rows] == [utc(2026, 3, 1, 9)]


def test_legacy_export_follows_summer_time():
    summer = {**LEGACY_MESSAGE, "date": "2026-07-01T11:00:00"}
    rows, _ = parse_export(
        "telegram",
        "export",
        {**LEGACY_EXPORT, "messages": [summer]},
        owner_timezones={"1234567890": "Europe/Kyiv"},
    )
    assert [r["published_at"] for r in rows] == [utc(2026, 7, 1, 8)]


def test_legacy_export_of_a_channel_no_brand_owns_is_quarantined_saying_so():
    rows, rejects = parse_export("telegram", "export", LEGACY_EXPORT, owner_timezones={"999": "Europe/Kyiv"})
    assert rows == []
    assert rejects == [
        "message 8: date_unixtime: missing, and channel 1234567890 belongs to no brand in brands.yml: "
        "its local `date` has no time zone"
    ]


def test_legacy_export_message_without_any_date_is_rejected():
    undated = {k: v for k, v in LEGACY_MESSAGE.items() if k != "date"}
    _, rejects = parse_export(
        "telegram", "export", {**LEGACY_EXPORT, "messages": [undated]}, owner_timezones={"1234567890": "UTC"}
    )
    assert rejects == ["message 8: date_unixtime and date: missing"]


def test_date_unixtime_wins_over_the_brand_time_zone():
    rows, _ = parse_export(
        "telegram", "export", CONTRACT_EXPORT, owner_timezones={"1234567890": "Asia/Tokyo"}
    )
    assert [r["published_at"] for r in rows] == [utc(2026, 3, 1, 9)]


def test_export_without_chat_id_rejects_the_whole_document():
    document = {k: v for k, v in CONTRACT_EXPORT.items() if k != "id"}
    with pytest.raises(Rejected, match="id: missing"):
        parse_export("telegram", "export", document)


# ---------------------------------------------------------------- through the ingest (files on disk)

BRANDS_YML = """\
brands:
  - id: aurora_coffee
    name: Aurora Coffee
    own: true
    aliases: ["Aurora Coffee"]
    timezone: {zone}
    accounts: {{telegram: "1234567890"}}
competitor_sets: []
"""


def _landed(landing: Path, document: dict) -> Path:
    path = landing / "telegram" / "export" / "20260302T060000Z_result.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_ingest_quarantines_the_real_personal_chat_file_with_its_reason(tmp_path):
    path = _landed(tmp_path, real_json("telegram", REAL_EXPORT))
    result = ingest_files(BY_NAME["telegram__export"], [path], tmp_path)
    assert result.rows.height == 0
    assert result.quarantine.select("source_file", "reason").to_dicts() == [
        {
            "source_file": "telegram/export/20260302T060000Z_result.json",
            "reason": "telegram export of a personal_chat, not a channel: refused",
        }
    ]
    assert result.stats.reconciles


def test_ingest_reads_a_legacy_export_in_the_brand_zone_and_reparses_when_the_zone_changes(tmp_path):
    landing, cache = tmp_path / "landing", tmp_path / "cache"
    path = _landed(landing, {**LEGACY_EXPORT, "messages": [CONTRACT_EXPORT["messages"][0], LEGACY_MESSAGE]})
    brands = tmp_path / "brands.yml"
    dataset = BY_NAME["telegram__export"]

    brands.write_text(BRANDS_YML.format(zone="Europe/Kyiv"))
    kyiv, _ = ingest_cached(dataset, [path], landing, cache, brands_file=brands)
    assert kyiv.rows["published_at"].to_list() == [utc(2026, 3, 1, 9)]
    assert kyiv.quarantine["reason"].to_list() == ["message 7: service message, not a post"]

    brands.write_text(BRANDS_YML.format(zone="Europe/Bucharest"))  # same offset: UTC+2 in March
    _, same_offset = ingest_cached(dataset, [path], landing, cache, brands_file=brands)
    assert same_offset.files_parsed == 1  # the zone changed, so the cached parse is not reused

    brands.write_text(BRANDS_YML.format(zone="Asia/Tokyo"))
    tokyo, _ = ingest_cached(dataset, [path], landing, cache, brands_file=brands)
    assert tokyo.rows["published_at"].to_list() == [utc(2026, 3, 1, 2)]

    _, unchanged = ingest_cached(dataset, [path], landing, cache, brands_file=brands)
    assert (unchanged.files_cached, unchanged.files_parsed) == (1, 0)


def test_ingest_without_brands_quarantines_only_the_legacy_messages_saying_why(tmp_path):
    path = _landed(
        tmp_path, {**CONTRACT_EXPORT, "messages": [LEGACY_MESSAGE, CONTRACT_EXPORT["messages"][1]]}
    )
    result = ingest_files(BY_NAME["telegram__export"], [path], tmp_path)
    assert result.rows["published_at"].to_list() == [utc(2026, 3, 1, 9)]
    [reason] = result.quarantine["reason"].to_list()
    assert reason.startswith("message 8: date_unixtime: missing, and channel 1234567890 belongs to no brand")
