"""TikTok parser: the contract's Display API v2 shapes (no real payload is openly licensed, see
SOURCES.md), the `error.code` convention, and broken input."""

from __future__ import annotations

import pytest

from pipelines.parsers import tiktok
from pipelines.parsers.base import Rejected
from tests.unit.parsers.landing_kit import parse, utc

OK = {"code": "ok", "message": "", "log_id": "20260302060000ABCDEF"}

CONTRACT_USER = {
    "data": {
        "user": {
            "open_id": "aurora_open_id",
            "display_name": "Aurora Coffee",
            "follower_count": 70120,
            "likes_count": 1200345,
            "video_count": 210,
        }
    },
    "error": OK,
}

CONTRACT_VIDEOS = {
    "data": {
        "videos": [
            {
                "id": "7340000000000000001",
                "create_time": 1772355600,
                "title": "Latte art in 15 seconds",
                "video_description": "Latte art in 15 seconds #coffee",
                "share_url": "https://www.tiktok.com/@aurora/video/7340000000000000001",
                "like_count": 3100,
                "comment_count": 88,
                "share_count": 140,
                "view_count": 98012,
            }
        ],
        "cursor": 1772355600000,
        "has_more": False,
    },
    "error": OK,
}


def test_contract_user_snapshot_leaves_unrequested_following_count_null():
    rows, rejects = parse("tiktok", "user", CONTRACT_USER)
    assert rejects == []
    assert rows == [
        {
            "open_id": "aurora_open_id",
            "display_name": "Aurora Coffee",
            "follower_count": 70120,
            "following_count": None,
            "likes_count": 1200345,
            "video_count": 210,
        }
    ]


def test_contract_video_list_with_unix_seconds_create_time():
    rows, rejects = parse("tiktok", "videos", CONTRACT_VIDEOS)
    assert rejects == []
    assert rows == [
        {
            "video_id": "7340000000000000001",
            "created_at": utc(2026, 3, 1, 9),
            "title": "Latte art in 15 seconds",
            "description": "Latte art in 15 seconds #coffee",
            "share_url": "https://www.tiktok.com/@aurora/video/7340000000000000001",
            "like_count": 3100,
            "comment_count": 88,
            "share_count": 140,
            "view_count": 98012,
        }
    ]


def test_empty_last_page_has_no_rows():
    body = {"data": {"videos": [], "cursor": 0, "has_more": False}, "error": OK}
    assert parse("tiktok", "videos", body) == ([], [])


def test_numeric_video_id_is_spelled_as_a_string():
    video = {**CONTRACT_VIDEOS["data"]["videos"][0], "id": 7340000000000000001}
    [row], _ = parse("tiktok", "videos", {"data": {"videos": [video]}, "error": OK})
    assert row["video_id"] == "7340000000000000001"


# ---------------------------------------------------------------- errors and broken input


def test_ok_error_code_is_not_an_error():
    assert tiktok.error_of(CONTRACT_USER) is None
    assert tiktok.error_of({"data": {"user": {"open_id": "x"}}}) is None


def test_non_ok_error_code_rejects_the_whole_capture():
    body = {
        "data": {},
        "error": {
            "code": "access_token_invalid",
            "message": "The access token is invalid or not found in the request.",
            "log_id": "202603020600001234",
        },
    }
    assert tiktok.error_of(body) == (
        "access_token_invalid The access token is invalid or not found in the request. (log_id 202603020600001234)"
    )
    with pytest.raises(Rejected, match="API error body: access_token_invalid"):
        parse("tiktok", "user", body)


def test_non_ok_code_wins_even_when_data_is_present():
    body = {**CONTRACT_VIDEOS, "error": {"code": "rate_limit_exceeded", "message": "slow down"}}
    with pytest.raises(Rejected, match="rate_limit_exceeded slow down"):
        parse("tiktok", "videos", body)


def test_non_object_body_is_an_error():
    assert tiktok.error_of("Bad Gateway") == "response is not a JSON object (got string)"


def test_success_body_without_user_rejects_the_capture():
    with pytest.raises(Rejected, match=r"data\.user: missing"):
        parse("tiktok", "user", {"data": {}, "error": OK})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"follower_count": -1}, "data.user.follower_count: negative count -1"),
        ({"likes_count": "a lot"}, "data.user.likes_count: expected an integer"),
        ({"open_id": ""}, "data.user.open_id: missing"),
        ({"display_name": 5.5}, "data.user.display_name: expected a string"),
    ],
)
def test_bad_user_field_rejects_the_record_naming_it(change, reason):
    user = {**CONTRACT_USER["data"]["user"], **change}
    rows, rejects = parse("tiktok", "user", {"data": {"user": user}, "error": OK})
    assert rows == []
    assert len(rejects) == 1 and rejects[0].startswith(reason), rejects


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "data.videos[].id: missing"),
        ({"create_time": 1772355600000}, "data.videos[].create_time: 1772355600000 is not unix seconds"),
        ({"create_time": "Sunday"}, "data.videos[].create_time: expected an integer"),
        ({"view_count": -10}, "data.videos[].view_count: negative count -10"),
        ({"like_count": True}, "data.videos[].like_count: expected an integer, got boolean"),
    ],
)
def test_bad_video_field_rejects_only_that_video(change, reason):
    good = CONTRACT_VIDEOS["data"]["videos"][0]
    body = {"data": {"videos": [{**good, **change}, good]}, "error": OK}
    rows, rejects = parse("tiktok", "videos", body)
    assert [r["video_id"] for r in rows] == ["7340000000000000001"]
    assert len(rejects) == 1 and rejects[0].startswith(reason), rejects


def test_videos_that_are_not_an_array_reject_the_capture():
    with pytest.raises(Rejected, match=r"data\.videos: expected a JSON array"):
        parse("tiktok", "videos", {"data": {"videos": {"id": "1"}}, "error": OK})
