"""Facebook Pages parser: real Graph API payloads, the contract's shapes, and broken input."""

from __future__ import annotations

import pytest

from pipelines.parsers import facebook
from pipelines.parsers.base import Rejected
from tests.unit.parsers.capture_kit import parse, parse_without_ids, real_json, utc

PAGE = "104000000000001"
POST = "104000000000001_500000000000001"

# ---------------------------------------------------------------- real payloads


def test_real_page_without_followers_count_keeps_fans_and_leaves_followers_null():
    rows, rejects = parse("facebook", "page", real_json("facebook", "pyfacebook__page_default_fields.json"))
    assert rejects == []
    assert rows == [
        {"page_id": "20531316728", "page_name": "Facebook", "followers_count": None, "fan_count": 214507731}
    ]


def test_real_feed_gives_five_posts_with_reaction_comment_and_share_totals():
    body = real_json("facebook", "pyfacebook__page_feed_with_reaction_comment_summaries_p1.json")
    rows, rejects = parse("facebook", "posts", body, object_id="19292868552", account_id="19292868552")
    assert rejects == []
    assert [r["post_id"] for r in rows] == [
        "19292868552_10158349356748553",
        "19292868552_10158347294088553",
        "19292868552_10158345715593553",
        "19292868552_10158343840773553",
        "19292868552_10158333323653553",
    ]
    # reactions_total is the total over all reaction types, not the `like` alias (119 on the first post).
    assert [r["reactions_total"] for r in rows] == [125, 131, 143, 178, 179]
    assert [r["comments_total"] for r in rows] == [13, 17, 15, 23, 49]
    assert [r["shares_count"] for r in rows] == [10, 6, 15, 16, 15]
    assert [r["status_type"] for r in rows] == [
        "added_photos",
        "shared_story",
        "added_photos",
        "added_photos",
        "added_video",
    ]
    first = rows[0]
    assert first["created_time"] == utc(2021, 7, 9, 19, 9, 52)
    assert first["permalink_url"] == "https://www.facebook.com/19292868552/posts/10158349356748553/"
    assert first["message"].startswith("Singaporean logistics company Ninja Van")
    # Not requested in this capture: unknown, not false.
    assert first["is_hidden"] is None and first["is_published"] is None


def test_real_bare_posts_without_engagement_fields_have_null_counters():
    body = real_json("facebook", "pyfacebook__user_posts_fields_p1.json")
    rows, rejects = parse("facebook", "posts", body)
    assert rejects == []
    assert len(rows) == 5
    assert rows[0]["post_id"] == "4_10113477241177441"
    assert rows[0]["message"] == "Happy July 4th! 🇺🇸"
    assert rows[0]["created_time"] == utc(2021, 7, 4, 19, 50, 58)
    assert rows[4]["created_time"] == utc(2021, 6, 22, 18, 6, 8)
    # fields=id,message,created_time: nothing is known about shares, reactions or comments.
    assert {(r["shares_count"], r["reactions_total"], r["comments_total"]) for r in rows} == {
        (None, None, None)
    }


def test_real_single_post_counts_absent_shares_as_zero_when_engagement_fields_were_requested():
    post = real_json("facebook", "pyfacebook__post_single_with_reactions_by_type.json")
    rows, rejects = parse("facebook", "posts", {"data": [post]})
    assert rejects == []
    assert rows == [
        {
            "post_id": "175154750010052_424924701699721",
            "message": "我测试一下 MyLife",
            "created_time": utc(2019, 8, 12, 3, 45, 11),
            "permalink_url": "https://www.facebook.com/175154750010052/posts/424924701699721",
            "status_type": "mobile_status_update",
            "is_hidden": None,
            "is_published": None,
            "shares_count": 0,
            "reactions_total": 1,  # one "haha": all reaction types count
            "comments_total": 0,
        }
    ]


def test_real_single_post_object_in_the_posts_folder_is_not_an_edge_response():
    post = real_json("facebook", "pyfacebook__post_single_with_reactions_by_type.json")
    with pytest.raises(Rejected, match=r"data: missing"):
        parse("facebook", "posts", post)


def test_real_comments_without_id_derive_graph_ids_and_reply_parents_from_permalink():
    body = real_json("facebook", "pyfacebook__post_comments_p1.json")
    post_id = "19292868552_10158407654328553"
    rows, rejects = parse("facebook", "comments", body, object_id=post_id, account_id="19292868552")
    assert rejects == []
    assert len(rows) == 10
    assert {r["post_id"] for r in rows} == {post_id}
    assert rows[0] == {
        "comment_id": "10158407654328553_10158407835073553",
        "post_id": post_id,
        "author_id": None,  # `from` was not requested in this capture
        "author_name": None,
        "message": "Boa noite peço ajuda  Como faço para usar a minha página como meu perfil?",
        "created_time": utc(2021, 8, 10, 18, 45, 3),
        "parent_comment_id": None,
    }
    # The 6th comment's permalink has comment_id=…903973553&reply_comment_id=…983033553.
    assert rows[5]["comment_id"] == "10158407654328553_10158409983033553"
    assert rows[5]["parent_comment_id"] == "10158407654328553_10158407903973553"
    replies = [r for r in rows if r["parent_comment_id"] is not None]
    assert len(replies) == 4
    top_level_ids = {r["comment_id"] for r in rows if r["parent_comment_id"] is None}
    assert {r["parent_comment_id"] for r in replies} <= top_level_ids
    assert len({r["comment_id"] for r in rows}) == 10


# ---------------------------------------------------------------- the contract's shapes

CONTRACT_PAGE = {"id": PAGE, "name": "Aurora Coffee", "followers_count": 10234, "fan_count": 9980}
CONTRACT_POSTS = {
    "data": [
        {
            "id": POST,
            "message": "New beans are in",
            "created_time": "2026-03-01T09:15:00+0000",
            "permalink_url": "https://www.facebook.com/104000000000001/posts/500000000000001",
            "status_type": "added_photos",
            "is_hidden": False,
            "is_published": True,
            "shares": {"count": 12},
            "reactions": {"data": [], "summary": {"total_count": 340}},
            "comments": {"data": [], "summary": {"total_count": 41}},
        }
    ],
    "paging": {"cursors": {"before": "QVFIUb", "after": "QVFIUa"}, "next": "https://graph.facebook.com/next"},
}
CONTRACT_POST_INSIGHTS = {
    "data": [
        {
            "name": "post_impressions_unique",
            "period": "lifetime",
            "values": [{"value": 5120}],
            "id": f"{POST}/insights/post_impressions_unique/lifetime",
        }
    ]
}
CONTRACT_PAGE_INSIGHTS = {
    "data": [
        {
            "name": "page_daily_follows_unique",
            "period": "day",
            "values": [{"value": 31, "end_time": "2026-03-02T08:00:00+0000"}],
            "id": f"{PAGE}/insights/page_daily_follows_unique/day",
        }
    ]
}
CONTRACT_COMMENTS = {
    "data": [
        {
            "id": "500000000000001_900000000000002",
            "from": {"id": "7000001", "name": "Olena K."},
            "message": "Do you ship to Lviv?",
            "created_time": "2026-03-01T10:02:00+0000",
            "parent": {"id": "500000000000001_900000000000001"},
        }
    ]
}


def test_contract_page_snapshot():
    rows, _ = parse("facebook", "page", CONTRACT_PAGE)
    assert rows == [
        {"page_id": PAGE, "page_name": "Aurora Coffee", "followers_count": 10234, "fan_count": 9980}
    ]


def test_contract_post_is_typed_with_lifetime_counters():
    rows, rejects = parse("facebook", "posts", CONTRACT_POSTS)
    assert rejects == []
    assert rows == [
        {
            "post_id": POST,
            "message": "New beans are in",
            "created_time": utc(2026, 3, 1, 9, 15),
            "permalink_url": "https://www.facebook.com/104000000000001/posts/500000000000001",
            "status_type": "added_photos",
            "is_hidden": False,
            "is_published": True,
            "shares_count": 12,
            "reactions_total": 340,
            "comments_total": 41,
        }
    ]


def test_contract_post_without_shares_key_has_zero_shares():
    body = {"data": [{k: v for k, v in CONTRACT_POSTS["data"][0].items() if k != "shares"}]}
    rows, _ = parse("facebook", "posts", body)
    assert rows[0]["shares_count"] == 0


def test_contract_post_insight_is_keyed_by_the_capture_post_with_no_end_time():
    rows, rejects = parse("facebook", "post_insights", CONTRACT_POST_INSIGHTS, object_id=POST)
    assert rejects == []
    assert rows == [
        {
            "post_id": POST,
            "metric_name": "post_impressions_unique",
            "period": "lifetime",
            "value": 5120.0,
            "end_time": None,
        }
    ]


def test_post_insight_without_object_id_takes_the_post_from_the_insight_id():
    rows, _ = parse_without_ids("facebook", "post_insights", CONTRACT_POST_INSIGHTS)
    assert rows[0]["post_id"] == POST


def test_contract_page_insight_is_one_row_per_day_closed_by_end_time():
    rows, rejects = parse("facebook", "page_insights", CONTRACT_PAGE_INSIGHTS)
    assert rejects == []
    assert rows == [
        {
            "page_id": PAGE,
            "metric_name": "page_daily_follows_unique",
            "period": "day",
            "value": 31.0,
            "end_time": utc(2026, 3, 2, 8),
        }
    ]


def test_page_insights_with_several_days_and_metrics_give_one_row_each():
    body = {
        "data": [
            {
                "name": "page_daily_follows_unique",
                "period": "day",
                "values": [
                    {"value": 31, "end_time": "2026-03-01T08:00:00+0000"},
                    {"value": 12, "end_time": "2026-03-02T08:00:00+0000"},
                ],
            },
            {
                "name": "page_daily_unfollows_unique",
                "period": "day",
                "values": [
                    {"value": 3, "end_time": "2026-03-02T08:00:00+0000"},
                ],
            },
        ]
    }
    rows, rejects = parse("facebook", "page_insights", body)
    assert rejects == []
    assert [(r["metric_name"], r["end_time"].day, r["value"]) for r in rows] == [
        ("page_daily_follows_unique", 1, 31.0),
        ("page_daily_follows_unique", 2, 12.0),
        ("page_daily_unfollows_unique", 2, 3.0),
    ]


def test_contract_comment_reply_keeps_author_and_parent():
    rows, rejects = parse("facebook", "comments", CONTRACT_COMMENTS, object_id=POST)
    assert rejects == []
    assert rows == [
        {
            "comment_id": "500000000000001_900000000000002",
            "post_id": POST,
            "author_id": "7000001",
            "author_name": "Olena K.",
            "message": "Do you ship to Lviv?",
            "created_time": utc(2026, 3, 1, 10, 2),
            "parent_comment_id": "500000000000001_900000000000001",
        }
    ]


# ---------------------------------------------------------------- broken input


def test_graph_error_body_is_detected_with_code_and_message():
    body = {
        "error": {
            "message": "(#4) Application request limit reached",
            "type": "OAuthException",
            "code": 4,
            "fbtrace_id": "AbC",
        }
    }
    error = facebook.error_of(body)
    assert error is not None and "code 4" in error and "Application request limit reached" in error
    with pytest.raises(Rejected, match="API error body: code 4"):
        parse("facebook", "posts", body)


@pytest.mark.parametrize("body", [[], "oops", None, 42])
def test_a_response_that_is_not_an_object_is_an_error(body):
    assert "not an object" in facebook.error_of(body)


def test_normal_bodies_are_not_errors():
    assert facebook.error_of(CONTRACT_POSTS) is None
    assert facebook.error_of(CONTRACT_PAGE) is None


def _post_with(**changes):
    post = dict(CONTRACT_POSTS["data"][0])
    post.update(changes)
    return post


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"reactions": {"summary": {"total_count": "abc"}}},
            "reactions.summary.total_count: expected an integer",
        ),
        (
            {"reactions": {"summary": {"total_count": True}}},
            "reactions.summary.total_count: expected an integer, got boolean",
        ),
        ({"comments": {"summary": {"total_count": -3}}}, "comments.summary.total_count: negative count -3"),
        ({"shares": {"count": 1.5}}, "shares.count: expected an integer"),
        ({"shares": 12}, "shares: expected a JSON object"),
        ({"created_time": "yesterday"}, "created_time: unparseable timestamp"),
        ({"is_hidden": "no"}, "is_hidden: expected a boolean"),
        ({"id": None}, "id: missing"),
        ({"id": ""}, "id: missing"),
    ],
)
def test_a_bad_post_is_rejected_with_the_field_named_and_the_rest_of_the_page_loads(changes, reason):
    good = _post_with(id="104000000000001_500000000000009")
    rows, rejects = parse("facebook", "posts", {"data": [_post_with(**changes), good]})
    assert [r["post_id"] for r in rows] == ["104000000000001_500000000000009"]
    assert len(rejects) == 1 and rejects[0].startswith(reason)


def test_posts_data_not_an_array_rejects_the_capture():
    with pytest.raises(Rejected, match="data: expected a JSON array, got object"):
        parse("facebook", "posts", {"data": {"id": POST}})


def test_a_post_that_is_not_an_object_is_rejected_alone():
    rows, rejects = parse("facebook", "posts", {"data": ["oops", CONTRACT_POSTS["data"][0]]})
    assert len(rows) == 1 and rejects == ["data[]: expected a JSON object, got string"]


def test_page_without_id_is_rejected():
    rows, rejects = parse("facebook", "page", {"name": "Aurora Coffee", "fan_count": 10})
    assert rows == [] and rejects == ["id: missing"]


def test_page_fan_count_as_text_is_rejected_naming_the_field():
    _, rejects = parse("facebook", "page", {**CONTRACT_PAGE, "fan_count": "lots"})
    assert rejects[0].startswith("fan_count: expected an integer")


def test_a_breakdown_insight_value_is_rejected_with_the_metric_named():
    body = {
        "data": [
            {
                "name": "page_fans_country",
                "period": "day",
                "values": [{"value": {"UA": 120, "PL": 8}, "end_time": "2026-03-02T08:00:00+0000"}],
            },
            CONTRACT_PAGE_INSIGHTS["data"][0],
        ]
    }
    rows, rejects = parse("facebook", "page_insights", body)
    assert [r["metric_name"] for r in rows] == ["page_daily_follows_unique"]
    assert rejects == ["page_fans_country.value: a breakdown object, not a number"]


def test_an_insight_value_as_text_is_rejected():
    body = {"data": [{"name": "post_clicks", "period": "lifetime", "values": [{"value": "many"}]}]}
    _, rejects = parse("facebook", "post_insights", body, object_id=POST)
    assert rejects[0].startswith("post_clicks.value: expected a number")


def test_insight_values_not_an_array_rejects_the_capture():
    body = {"data": [{"name": "post_clicks", "period": "lifetime", "values": {"value": 3}}]}
    with pytest.raises(Rejected, match=r"values: expected a JSON array"):
        parse("facebook", "post_insights", body, object_id=POST)


def test_comment_without_id_or_permalink_is_rejected():
    body = {"data": [{"message": "hi", "created_time": "2026-03-01T10:02:00+0000"}]}
    rows, rejects = parse("facebook", "comments", body, object_id=POST)
    assert rows == []
    assert rejects == ["id: missing, and no comment_id in permalink_url to derive it from"]


def test_comment_author_that_is_not_an_object_is_rejected():
    body = {"data": [{**CONTRACT_COMMENTS["data"][0], "from": "Olena"}]}
    _, rejects = parse("facebook", "comments", body, object_id=POST)
    assert rejects == ["from: expected a JSON object, got string"]
