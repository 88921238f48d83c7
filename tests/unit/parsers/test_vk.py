"""VK parser: real VK API payloads (VkNet test data), the contract's 5.199 shapes, and broken input."""

from __future__ import annotations

import re

import pytest

from pipelines.parsers import vk
from pipelines.parsers.base import Rejected
from tests.unit.parsers.landing_kit import parse, real_files, real_json, utc

# Every real VK payload and the entity folder it would land in.
REAL_FILES = {
    "vknet__groups_getById_two_groups.json": "group",
    "vknet__newsfeed_search_next_from.json": "search",
    "vknet__wall_getById_with_views.json": "wall",
    "vknet__wall_getComments_likes_attachments.json": "comments",
    "vknet__wall_getComments_threads.json": "comments",
    "vknet__wall_get_extended.json": "wall",
    "vknet__wall_get_repost_poll_geo.json": "wall",
}

# ---------------------------------------------------------------- real payloads


def test_every_real_vk_fixture_is_covered_and_parses_without_rejects():
    assert real_files("vk") == set(REAL_FILES)
    for name, entity in REAL_FILES.items():
        rows, rejects = parse("vk", entity, real_json("vk", name), object_id="-69459624_482121")
        assert rows and rejects == [], name


def test_real_search_text_with_an_html_entity_is_unescaped_once():
    """VK sends text HTML-escaped: `&#10071;` is the ❗ the author typed. The real text ends in a bare
    "&" (no entity): it stays."""
    body = real_json("vk", "vknet__newsfeed_search_next_from.json")
    rows, _ = parse("vk", "search", body)
    [row] = [r for r in rows if r["post_id"] == "388444282_11454"]
    assert row["text"] == "❗Принимаю заказы до 23.00 завтрашнего дня&"
    assert not [r["text"] for r in rows if re.search(r"&(?:[A-Za-z]+|#\d+);", r["text"] or "")]


@pytest.mark.parametrize("entity", ["wall", "search", "comments"])
def test_contract_text_and_group_names_are_unescaped(entity):
    item = {
        "id": 9001,
        "owner_id": -123456,
        "from_id": 77,
        "date": 1772355600,
        "text": "Кофе &quot;Аврора&quot; &amp; круассан",
    }
    [row], _ = parse("vk", entity, {"response": {"items": [item]}}, object_id="-123456_9001")
    assert row["text"] == 'Кофе "Аврора" & круассан'
    [group], _ = parse(
        "vk", "group", {"response": {"groups": [{"id": 123456, "name": "Клуб &quot;Аврора&quot;"}]}}
    )
    assert group["group_name"] == 'Клуб "Аврора"'


def test_real_old_style_group_array_gives_string_ids_and_null_members():
    rows, _ = parse("vk", "group", real_json("vk", "vknet__groups_getById_two_groups.json"))
    assert rows == [
        {
            "group_id": "17683660",
            "group_name": "Творческие каникулы ART CAMP с 21 по 29 июля",
            "screen_name": "club17683660",
            "members_count": None,  # not requested in this capture: unknown, not 0
        },
        {
            "group_id": "637247",
            "group_name": "Чак Паланик - Сумасшедший гений литературы",
            "screen_name": "club637247",
            "members_count": None,
        },
    ]


def test_real_wall_post_with_views_gets_owner_qualified_id():
    rows, _ = parse("vk", "wall", real_json("vk", "vknet__wall_getById_with_views.json"))
    assert rows == [
        {
            "post_id": "-322_123",
            "owner_id": "-322",
            "from_id": "-322",
            "published_at": utc(2020, 11, 18, 11, 21, 59),
            "text": "В этом посте нет доната",
            "likes_count": 0,
            "reposts_count": 0,
            "comments_count": 0,
            "views_count": 9,
            "is_pinned": None,
            "is_repost": False,
        }
    ]


@pytest.mark.parametrize(
    ("name", "post_id", "likes"),
    [
        ("vknet__wall_get_extended.json", "10_41", 1),
        ("vknet__wall_get_repost_poll_geo.json", "1563369_1164", 1),
    ],
)
def test_real_reposts_are_flagged_and_keep_their_own_counters(name, post_id, likes):
    [row], _ = parse("vk", "wall", real_json("vk", name))
    assert row["post_id"] == post_id
    assert row["is_repost"] is True
    assert row["likes_count"] == likes
    assert row["views_count"] is None  # these old captures have no views


def test_real_comments_without_owner_take_it_from_the_captured_post_id():
    body = real_json("vk", "vknet__wall_getComments_likes_attachments.json")
    rows, _ = parse("vk", "comments", body, object_id="-123456_9001")
    assert [(r["comment_id"], r["post_id"], r["owner_id"], r["from_id"]) for r in rows] == [
        ("-123456_3809", "-123456_9001", "-123456", "6733856"),
        ("-123456_3810", "-123456_9001", "-123456", "3073863"),
    ]
    assert rows[0]["created_at"] == utc(2013, 11, 22, 5, 45, 44)
    assert rows[1]["text"] == "C днем рождения малышку и родителей!!!"


def test_real_threaded_comments_keep_a_deleted_comment_without_author():
    body = real_json("vk", "vknet__wall_getComments_threads.json")
    rows, rejects = parse("vk", "comments", body, object_id="-69459624_482121")
    assert rejects == []
    assert [r["comment_id"] for r in rows] == ["-69459624_482124", "-69459624_482127", "-69459624_482418"]
    assert {r["post_id"] for r in rows} == {"-69459624_482121"}
    deleted = rows[1]
    assert deleted["from_id"] is None and deleted["text"] is None
    assert deleted["created_at"] == utc(2019, 3, 21, 15, 3, 49)
    assert rows[0]["from_id"] == "287979664"
    assert all(r["reply_to_comment_id"] is None for r in rows)


def test_real_comment_post_id_is_built_from_the_item_when_the_capture_has_no_post():
    body = real_json("vk", "vknet__wall_getComments_threads.json")
    rows, _ = parse("vk", "comments", body, object_id="-69459624")  # the community, not a post
    assert rows[0]["post_id"] == "-69459624_482121"


def test_real_newsfeed_search_posts_from_users_and_communities():
    rows, _ = parse("vk", "search", real_json("vk", "vknet__newsfeed_search_next_from.json"))
    assert [(r["post_id"], r["owner_id"], r["views_count"]) for r in rows] == [
        ("388444282_11454", "388444282", None),
        ("-31130529_49163", "-31130529", 2),
        ("-184898883_177", "-184898883", None),
    ]
    assert rows[1]["published_at"] == utc(2019, 8, 2, 21, 0)
    assert rows[2]["text"].startswith("помочь организовать парсинг хэштегов")


# ---------------------------------------------------------------- the contract's shapes

CONTRACT_GROUP = {
    "response": {
        "groups": [
            {"id": 123456, "name": "Aurora Coffee", "screen_name": "auroracoffee", "members_count": 45100}
        ]
    }
}

CONTRACT_POST = {
    "id": 9001,
    "owner_id": -123456,
    "from_id": -123456,
    "date": 1772355600,
    "text": "Spring blend is here",
    "likes": {"count": 210},
    "reposts": {"count": 14},
    "comments": {"count": 9},
    "views": {"count": 15200},
    "is_pinned": 0,
}
CONTRACT_WALL = {"response": {"count": 1200, "items": [CONTRACT_POST]}}

CONTRACT_COMMENTS = {
    "response": {
        "count": 2,
        "items": [
            {"id": 77, "from_id": 555001, "date": 1772359200, "text": "Where can I buy it?"},
            {
                "id": 78,
                "from_id": -123456,
                "date": 1772360100,
                "text": "In our shop on Khreshchatyk!",
                "reply_to_comment": 77,
                "reply_to_user": 555001,
            },
        ],
    }
}

CONTRACT_SEARCH = {
    "response": {
        "items": [
            {
                "id": 42,
                "owner_id": 777000,
                "date": 1772362800,
                "text": "Аврора Кофе — лучший латте",
                "likes": {"count": 5},
                "reposts": {"count": 1},
                "views": {"count": 300},
            }
        ],
        "count": 1,
        "next_from": "abc",
    }
}


def test_contract_group_in_5_199_shape():
    rows, _ = parse("vk", "group", CONTRACT_GROUP)
    assert rows == [
        {
            "group_id": "123456",
            "group_name": "Aurora Coffee",
            "screen_name": "auroracoffee",
            "members_count": 45100,
        }
    ]


def test_contract_wall_post():
    rows, _ = parse("vk", "wall", CONTRACT_WALL)
    assert rows == [
        {
            "post_id": "-123456_9001",
            "owner_id": "-123456",
            "from_id": "-123456",
            "published_at": utc(2026, 3, 1, 9),
            "text": "Spring blend is here",
            "likes_count": 210,
            "reposts_count": 14,
            "comments_count": 9,
            "views_count": 15200,
            "is_pinned": False,
            "is_repost": False,
        }
    ]


def test_pinned_flag_one_is_true():
    [row], _ = parse("vk", "wall", {"response": {"items": [{**CONTRACT_POST, "is_pinned": 1}]}})
    assert row["is_pinned"] is True


def test_contract_comments_qualify_ids_and_reply_targets_with_the_wall_owner():
    rows, _ = parse("vk", "comments", CONTRACT_COMMENTS, object_id="-123456_9001")
    assert rows == [
        {
            "comment_id": "-123456_77",
            "post_id": "-123456_9001",
            "owner_id": "-123456",
            "from_id": "555001",
            "created_at": utc(2026, 3, 1, 10),
            "text": "Where can I buy it?",
            "reply_to_comment_id": None,
            "reply_to_user_id": None,
        },
        {
            "comment_id": "-123456_78",
            "post_id": "-123456_9001",
            "owner_id": "-123456",
            "from_id": "-123456",
            "created_at": utc(2026, 3, 1, 10, 15),
            "text": "In our shop on Khreshchatyk!",
            "reply_to_comment_id": "-123456_77",
            "reply_to_user_id": "555001",
        },
    ]


def test_thread_replies_are_flattened_with_their_parent_from_parents_stack():
    thread_reply = {
        "id": 79,
        "from_id": -123456,
        "date": 1772360200,
        "text": "Thanks!",
        "parents_stack": [77],
    }
    top = {**CONTRACT_COMMENTS["response"]["items"][0], "thread": {"count": 1, "items": [thread_reply]}}
    rows, _ = parse("vk", "comments", {"response": {"items": [top]}}, object_id="-123456_9001")
    assert [(r["comment_id"], r["reply_to_comment_id"]) for r in rows] == [
        ("-123456_77", None),
        ("-123456_79", "-123456_77"),
    ]


def test_comment_owner_falls_back_to_the_capture_account():
    rows, _ = parse("vk", "comments", CONTRACT_COMMENTS, object_id="9001", account_id="-123456")
    assert rows[0]["comment_id"] == "-123456_77"
    assert rows[0]["post_id"] == "-123456_9001"


def test_contract_search_post():
    rows, _ = parse("vk", "search", CONTRACT_SEARCH)
    assert rows == [
        {
            "post_id": "777000_42",
            "owner_id": "777000",
            "from_id": None,
            "published_at": utc(2026, 3, 1, 11),
            "text": "Аврора Кофе — лучший латте",
            "likes_count": 5,
            "reposts_count": 1,
            "comments_count": None,
            "views_count": 300,
        }
    ]


# ---------------------------------------------------------------- errors and broken input


def test_error_6_rejects_the_whole_capture():
    body = {
        "error": {
            "error_code": 6,
            "error_msg": "Too many requests per second",
            "request_params": [{"key": "method", "value": "wall.get"}],
        }
    }
    assert vk.error_of(body) == "6 Too many requests per second"
    with pytest.raises(Rejected, match="API error body: 6 Too many requests per second"):
        parse("vk", "wall", body)


def test_body_without_response_or_error_rejects_the_capture():
    assert vk.error_of({"items": []}) is None
    with pytest.raises(Rejected, match="response: missing"):
        parse("vk", "wall", {"items": []})


def test_non_object_body_is_an_error():
    assert vk.error_of([1, 2]) == "response is not a JSON object (got array)"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"likes": {"count": -1}}, "likes.count: negative count -1"),
        ({"views": 15200}, "views: expected a JSON object, got int"),
        ({"id": "nine"}, "id: expected an integer"),
        ({"id": None}, "id: missing"),
        ({"date": "2026-03-01"}, "date: expected an integer"),
        ({"is_pinned": 2}, "is_pinned: expected a boolean"),
        ({"copy_history": {"id": 1}}, "copy_history: expected a JSON array"),
    ],
)
def test_bad_wall_post_field_rejects_only_that_post(change, reason):
    rows, rejects = parse("vk", "wall", {"response": {"items": [{**CONTRACT_POST, **change}, CONTRACT_POST]}})
    assert [r["post_id"] for r in rows] == ["-123456_9001"]
    assert len(rejects) == 1 and rejects[0].startswith(reason), rejects


def test_search_post_without_owner_is_rejected():
    item = {k: v for k, v in CONTRACT_SEARCH["response"]["items"][0].items() if k != "owner_id"}
    rows, rejects = parse("vk", "search", {"response": {"items": [item]}})
    assert rows == [] and rejects == ["owner_id: missing"]


def test_comment_without_any_known_owner_is_rejected():
    body = {"response": {"items": [{"id": 1, "date": 1772359200, "text": "hi"}]}}
    rows, rejects = parse("vk", "comments", body, object_id="abc", account_id="abc")
    assert rows == []
    assert rejects == ["owner_id: expected an integer, got string 'abc'"]


def test_group_without_id_or_with_negative_members_is_rejected():
    groups = [{"name": "no id"}, {"id": 5, "members_count": -3}, {"id": 6}]
    rows, rejects = parse("vk", "group", {"response": {"groups": groups}})
    assert [r["group_id"] for r in rows] == ["6"]
    assert rejects == ["id: missing", "members_count: negative count -3"]
