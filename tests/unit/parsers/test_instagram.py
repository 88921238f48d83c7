"""Instagram parser: real Graph API payloads, the contract's shapes, and broken input."""

from __future__ import annotations

import pytest

from pipelines.parsers import instagram
from pipelines.parsers.base import Rejected
from tests.unit.parsers.capture_kit import parse, parse_without_ids, real_json, utc

USER = "17841400000000001"
MEDIA = "17900000000000001"

# ---------------------------------------------------------------- real payloads


def test_real_user_snapshot_without_follows_count():
    rows, rejects = parse("instagram", "user", real_json("instagram", "pyfacebook__ig_user_fields.json"))
    assert rejects == []
    assert rows == [
        {
            "user_id": "17841407673135339",
            "username": "facebookfordevelopers",
            "followers_count": 64363,
            "follows_count": None,
            "media_count": 427,
        }
    ]


def test_real_media_page_gives_typed_media_with_lifetime_counters():
    body = real_json("instagram", "pyfacebook__ig_user_media_p1.json")
    rows, rejects = parse("instagram", "media", body, account_id="17841406338772941")
    assert rejects == []
    assert rows == [
        {
            "media_id": "17895731045244887",
            "caption": None,
            "media_type": "IMAGE",
            "media_product_type": None,
            "permalink": "https://www.instagram.com/p/CSgf9BChwVq/",
            "published_at": utc(2021, 8, 13, 8, 25, 28),
            "like_count": 0,
            "comments_count": 0,
        },
        {
            "media_id": "17896622936197745",
            "caption": None,
            "media_type": "IMAGE",
            "media_product_type": None,
            "permalink": "https://www.instagram.com/p/CSgdWACBeKr/",
            "published_at": utc(2021, 8, 13, 8, 2, 40),
            "like_count": 2,
            "comments_count": 6,
        },
    ]


def test_real_lifetime_media_insights_one_row_per_metric():
    body = real_json("instagram", "pyfacebook__ig_media_insights_lifetime.json")
    rows, rejects = parse("instagram", "media_insights", body, object_id="17846368219941692")
    assert rejects == []
    assert [(r["media_id"], r["metric_name"], r["period"], r["value"], r["end_time"]) for r in rows] == [
        ("17846368219941692", "impressions", "lifetime", 8.0, None),
        ("17846368219941692", "reach", "lifetime", 5.0, None),
        ("17846368219941692", "saved", "lifetime", 0.0, None),
    ]


def test_real_media_insight_with_total_value_breakdown_gives_the_total_once():
    body = real_json("instagram", "pyfacebook__ig_media_insights_profile_activity_breakdown.json")
    rows, rejects = parse("instagram", "media_insights", body, object_id="18035507131611621")
    assert rejects == []
    assert rows == [
        {
            "media_id": "18035507131611621",
            "metric_name": "profile_activity",
            "period": "lifetime",
            "value": 11.0,
            "end_time": None,
        }
    ]


def test_media_insight_without_object_id_takes_the_media_from_the_insight_id():
    body = real_json("instagram", "pyfacebook__ig_media_insights_profile_activity_breakdown.json")
    rows, _ = parse_without_ids("instagram", "media_insights", body)
    assert rows[0]["media_id"] == "18035507131611621"


def test_real_daily_user_insights_one_row_per_metric_per_day():
    body = real_json("instagram", "pyfacebook__ig_user_insights_day_docexample.json")
    rows, rejects = parse("instagram", "user_insights", body, object_id="17841400008460056")
    assert rejects == []
    assert [(r["metric_name"], r["end_time"], r["value"]) for r in rows] == [
        ("impressions", utc(2017, 5, 4, 7), 4.0),
        ("impressions", utc(2017, 5, 5, 7), 66.0),
        ("reach", utc(2017, 5, 4, 7), 3.0),
        ("reach", utc(2017, 5, 5, 7), 36.0),
        ("profile_views", utc(2017, 5, 4, 7), 0.0),
        ("profile_views", utc(2017, 5, 5, 7), 2.0),
    ]
    assert {(r["user_id"], r["period"]) for r in rows} == {("17841400008460056", "day")}


def test_real_total_value_user_insight_has_no_end_time():
    body = real_json("instagram", "pyfacebook__ig_user_insights_total_value_breakdown.json")
    rows, rejects = parse("instagram", "user_insights", body, object_id="17841454149711910")
    assert rejects == []
    assert rows == [
        {
            "user_id": "17841454149711910",
            "metric_name": "reach",
            "period": "day",
            "value": 14516883.0,
            "end_time": None,
        }
    ]


def test_real_comments_are_keyed_to_the_capture_media():
    body = real_json("instagram", "pyfacebook__ig_media_comments_p1.json")
    rows, rejects = parse("instagram", "comments", body, object_id="17846368219941692")
    assert rejects == []
    assert rows == [
        {
            "comment_id": "17858154961981086",
            "media_id": "17846368219941692",
            "author_id": None,
            "author_username": None,
            "text": "Beautiful!",
            "created_time": utc(2020, 6, 1, 10, 56, 52),
            "parent_comment_id": None,
        },
        {
            "comment_id": "17874875428706419",
            "media_id": "17846368219941692",
            "author_id": None,
            "author_username": None,
            "text": "Beautiful!",
            "created_time": utc(2020, 6, 1, 10, 16, 39),
            "parent_comment_id": None,
        },
    ]


# ---------------------------------------------------------------- the contract's shapes

CONTRACT_USER = {
    "id": USER,
    "username": "auroracoffee",
    "followers_count": 11240,
    "follows_count": 310,
    "media_count": 402,
}
CONTRACT_MEDIA = {
    "data": [
        {
            "id": MEDIA,
            "caption": "Morning pour-over",
            "media_type": "VIDEO",
            "media_product_type": "REELS",
            "permalink": "https://www.instagram.com/reel/abc/",
            "timestamp": "2026-03-01T10:00:00+0000",
            "like_count": 812,
            "comments_count": 37,
        }
    ],
    "paging": {"cursors": {"before": "b", "after": "a"}},
}
CONTRACT_MEDIA_INSIGHTS = {
    "data": [
        {
            "name": "reach",
            "period": "lifetime",
            "values": [{"value": 9100}],
            "id": f"{MEDIA}/insights/reach/lifetime",
        }
    ]
}
CONTRACT_USER_INSIGHTS = {
    "data": [
        {
            "name": "follower_count",
            "period": "day",
            "values": [
                {"value": 41, "end_time": "2026-03-01T08:00:00+0000"},
                {"value": 38, "end_time": "2026-03-02T08:00:00+0000"},
            ],
            "id": f"{USER}/insights/follower_count/day",
        }
    ]
}
CONTRACT_COMMENTS = {
    "data": [
        {
            "id": "17950000000000001",
            "text": "Is this decaf?",
            "timestamp": "2026-03-01T11:00:00+0000",
            "username": "olena.k",
            "from": {"id": "17840000000000099", "username": "olena.k"},
        },
        {
            "id": "17950000000000002",
            "text": "No, single origin Ethiopia",
            "timestamp": "2026-03-01T11:20:00+0000",
            "from": {"id": USER, "username": "auroracoffee"},
            "parent_id": "17950000000000001",
        },
    ]
}


def test_contract_user_snapshot():
    rows, _ = parse("instagram", "user", CONTRACT_USER)
    assert rows == [
        {
            "user_id": USER,
            "username": "auroracoffee",
            "followers_count": 11240,
            "follows_count": 310,
            "media_count": 402,
        }
    ]


def test_contract_reel_is_typed():
    rows, rejects = parse("instagram", "media", CONTRACT_MEDIA)
    assert rejects == []
    assert rows == [
        {
            "media_id": MEDIA,
            "caption": "Morning pour-over",
            "media_type": "VIDEO",
            "media_product_type": "REELS",
            "permalink": "https://www.instagram.com/reel/abc/",
            "published_at": utc(2026, 3, 1, 10),
            "like_count": 812,
            "comments_count": 37,
        }
    ]


def test_contract_media_insight():
    rows, _ = parse("instagram", "media_insights", CONTRACT_MEDIA_INSIGHTS, object_id=MEDIA)
    assert rows == [
        {"media_id": MEDIA, "metric_name": "reach", "period": "lifetime", "value": 9100.0, "end_time": None}
    ]


def test_contract_follower_count_insight_is_new_followers_per_day():
    rows, _ = parse("instagram", "user_insights", CONTRACT_USER_INSIGHTS)
    assert rows == [
        {
            "user_id": USER,
            "metric_name": "follower_count",
            "period": "day",
            "value": 41.0,
            "end_time": utc(2026, 3, 1, 8),
        },
        {
            "user_id": USER,
            "metric_name": "follower_count",
            "period": "day",
            "value": 38.0,
            "end_time": utc(2026, 3, 2, 8),
        },
    ]


def test_contract_comments_keep_the_author_and_the_own_accounts_reply_parent():
    rows, rejects = parse("instagram", "comments", CONTRACT_COMMENTS, object_id=MEDIA)
    assert rejects == []
    assert rows == [
        {
            "comment_id": "17950000000000001",
            "media_id": MEDIA,
            "author_id": "17840000000000099",
            "author_username": "olena.k",
            "text": "Is this decaf?",
            "created_time": utc(2026, 3, 1, 11),
            "parent_comment_id": None,
        },
        {
            "comment_id": "17950000000000002",
            "media_id": MEDIA,
            "author_id": USER,
            "author_username": "auroracoffee",  # from `from.username` when `username` is absent
            "text": "No, single origin Ethiopia",
            "created_time": utc(2026, 3, 1, 11, 20),
            "parent_comment_id": "17950000000000001",
        },
    ]


# ---------------------------------------------------------------- broken input


def test_graph_error_body_is_detected_with_code_and_message():
    body = {
        "error": {
            "message": "Invalid OAuth access token.",
            "type": "OAuthException",
            "code": 190,
            "error_subcode": 463,
        }
    }
    error = instagram.error_of(body)
    assert error is not None and "code 190" in error and "subcode 463" in error
    assert "Invalid OAuth access token." in error
    with pytest.raises(Rejected, match="API error body: code 190"):
        parse("instagram", "media", body)


def test_a_response_that_is_not_an_object_is_an_error():
    assert instagram.error_of([CONTRACT_USER]) == "response is a JSON array, not an object"
    assert instagram.error_of(CONTRACT_USER) is None


def _media_with(**changes):
    return {**CONTRACT_MEDIA["data"][0], **changes}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"like_count": "abc"}, "like_count: expected an integer"),
        ({"like_count": False}, "like_count: expected an integer, got boolean"),
        ({"comments_count": -1}, "comments_count: negative count -1"),
        ({"timestamp": 1772359200}, "timestamp: expected an ISO timestamp string"),
        ({"id": None}, "id: missing"),
        ({"caption": {"text": "x"}}, "caption: expected a string, got object"),
    ],
)
def test_a_bad_media_item_is_rejected_with_the_field_named(changes, reason):
    rows, rejects = parse("instagram", "media", {"data": [_media_with(**changes), _media_with(id="179002")]})
    assert [r["media_id"] for r in rows] == ["179002"]
    assert len(rejects) == 1 and rejects[0].startswith(reason)


def test_user_with_negative_followers_is_rejected():
    _, rejects = parse("instagram", "user", {**CONTRACT_USER, "followers_count": -5})
    assert rejects == ["followers_count: negative count -5"]


def test_user_without_id_is_rejected():
    rows, rejects = parse("instagram", "user", {"username": "auroracoffee"})
    assert rows == [] and rejects == ["id: missing"]


def test_media_data_not_an_array_rejects_the_capture():
    with pytest.raises(Rejected, match="data: expected a JSON array, got string"):
        parse("instagram", "media", {"data": "none"})


def test_comments_without_data_are_not_an_edge_response():
    with pytest.raises(Rejected, match="data: missing"):
        parse("instagram", "comments", {"id": "17950000000000001", "text": "hi"}, object_id=MEDIA)


def test_comment_without_id_is_rejected():
    body = {"data": [{"text": "hi", "timestamp": "2026-03-01T11:00:00+0000"}]}
    rows, rejects = parse("instagram", "comments", body, object_id=MEDIA)
    assert rows == [] and rejects == ["id: missing"]


def test_a_breakdown_only_value_in_values_is_rejected_but_total_value_is_used():
    body = {
        "data": [
            {"name": "follows_and_unfollows", "period": "day", "values": [{"value": {"follows": 3}}]},
            {"name": "reach", "period": "day", "total_value": {"value": 700, "breakdowns": []}},
        ]
    }
    rows, rejects = parse("instagram", "user_insights", body)
    assert [(r["metric_name"], r["value"]) for r in rows] == [("reach", 700.0)]
    assert rejects == ["follows_and_unfollows.value: a breakdown object, not a number"]


def test_insight_without_metric_name_is_rejected():
    body = {"data": [{"period": "lifetime", "values": [{"value": 3}]}]}
    _, rejects = parse("instagram", "media_insights", body, object_id=MEDIA)
    assert rejects == ["name: missing"]


def test_insight_value_boolean_is_rejected():
    body = {"data": [{"name": "saved", "period": "lifetime", "values": [{"value": True}]}]}
    _, rejects = parse("instagram", "media_insights", body, object_id=MEDIA)
    assert rejects == ["saved.value: expected a number, got boolean"]
