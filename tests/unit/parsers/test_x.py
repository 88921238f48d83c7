"""X (API v2) parser: real payloads (tweepy, twarc, python-twitter), the contract's shapes, broken input."""

from __future__ import annotations

import base64
import gzip
import json
import re

import pytest
import yaml

from pipelines.parsers import x
from pipelines.parsers.base import Rejected
from tests.unit.parsers.capture_kit import parse, real_json, real_jsonl, real_path, utc

OWN = "1500000000000000001"

# ---------------------------------------------------------------- real payloads: users


def test_real_user_lookup_gives_public_metrics():
    body = real_json("x", "pytwitter__user_public_metrics_docexample.json")
    rows, rejects = parse("x", "user", body)
    assert rejects == []
    assert rows == [
        {
            "user_id": "2244994945",
            "username": "TwitterDev",
            "followers_count": 514020,
            "following_count": 2038,
            "tweet_count": 3639,
            "listed_count": 1676,
        }
    ]


def test_real_user_without_public_metrics_has_null_counters():
    rows, _ = parse("x", "user", real_json("x", "tweepy__test_client_get_user.body.json"))
    assert rows == [
        {
            "user_id": "783214",
            "username": "Twitter",
            "followers_count": None,
            "following_count": None,
            "tweet_count": None,
            "listed_count": None,
        }
    ]


def test_real_users_lookup_array_gives_one_row_per_user():
    rows, rejects = parse("x", "user", real_json("x", "tweepy__test_client_get_users.body.json"))
    assert rejects == []
    assert [(r["user_id"], r["username"]) for r in rows] == [
        ("783214", "Twitter"),
        ("2244994945", "TwitterDev"),
    ]


def test_real_twarc_users_page_with_partial_errors_loads_every_user():
    (page,) = real_jsonl("x", "twarc_csv__users_lookup_public_metrics.jsonl")
    assert page["errors"]  # pinned tweets not found: a partial result, not a failed call
    assert x.error_of(page) is None
    rows, rejects = parse("x", "user", page)
    assert rejects == []
    assert len(rows) == 96  # the request repeated some ids; dedup is the framework's job
    assert len({r["user_id"] for r in rows}) == 91
    assert rows[0] == {
        "user_id": "119369819",
        "username": "DoDirty78",
        "followers_count": 580,
        "following_count": 518,
        "tweet_count": 55186,
        "listed_count": 12,
    }


# ---------------------------------------------------------------- real payloads: tweets


def test_real_timeline_doc_example_gives_five_tweets_with_metrics_and_null_bookmarks():
    body = real_json("x", "pytwitter__user_tweets_public_metrics_docexample.json")
    rows, rejects = parse("x", "tweets", body, account_id="2244994945")
    assert rejects == []
    assert [r["tweet_id"] for r in rows] == [
        "1364275610764201984",
        "1362876655061073928",
        "1362439338978467841",
        "1362439338169016324",
        "1362439336910675970",
    ]
    assert rows[0]["created_at"] == utc(2021, 2, 23, 18, 7, 7)
    assert [(r["retweet_count"], r["reply_count"], r["like_count"], r["quote_count"]) for r in rows] == [
        (10, 2, 37, 1),
        (21, 7, 58, 1),
        (0, 2, 9, 0),
        (1, 2, 8, 0),
        (16, 9, 74, 3),
    ]
    # Not returned for this token/era: unknown, never 0.
    assert {(r["bookmark_count"], r["impression_count"]) for r in rows} == {(None, None)}


def test_real_default_field_tweets_have_ids_and_text_only():
    rows, rejects = parse("x", "tweets", real_json("x", "tweepy__test_client_get_users_tweets.body.json"))
    assert rejects == []
    assert [r["tweet_id"] for r in rows] == ["1577730467436138524", "1565318587736285184"]
    assert rows[1]["text"].startswith("if you see an edited Tweet")
    assert rows[0]["created_at"] is None and rows[0]["like_count"] is None


def test_real_tweet_lookup_keeps_impression_count():
    (page,) = real_jsonl("x", "twarc_csv__tweets_lookup_impression_count.jsonl")
    rows, rejects = parse("x", "tweets", page, account_id="2244994945")
    assert rejects == []
    assert rows == [
        {
            "tweet_id": "1603823063690199040",
            "author_id": "2244994945",
            "text": rows[0]["text"],
            "created_at": utc(2022, 12, 16, 18, 43, 10),
            "lang": "en",
            "conversation_id": "1603823063690199040",
            "in_reply_to_user_id": None,
            "replied_to_tweet_id": None,
            "quoted_tweet_id": None,
            "retweeted_tweet_id": None,
            "retweet_count": 104,
            "reply_count": 37,
            "like_count": 745,
            "quote_count": 24,
            "bookmark_count": None,
            "impression_count": 139075,
        }
    ]
    assert rows[0]["text"].startswith("Testing… Testing… Twitter Dev is back online!")


def test_real_retweet_points_at_the_retweeted_tweet():
    (page,) = real_jsonl("x", "twarc_csv__tweets_lookup_mentions_context_annotations.jsonl")
    rows, _ = parse("x", "tweets", page)
    (row,) = rows
    assert row["tweet_id"] == "1589681856941002753"
    assert row["retweeted_tweet_id"] == "1589671906718134272"
    assert row["replied_to_tweet_id"] is None and row["quoted_tweet_id"] is None
    assert row["created_at"] == utc(2022, 11, 7, 18, 11, 4)


def test_real_search_page_as_tweets_maps_every_reference_type():
    (page,) = real_jsonl("x", "twarc_csv__search_recent_page_with_includes.jsonl")
    rows, rejects = parse("x", "tweets", page)
    assert rejects == [] and len(rows) == 100
    assert sum(r["retweeted_tweet_id"] is not None for r in rows) == 42
    assert sum(r["quoted_tweet_id"] is not None for r in rows) == 14
    assert sum(r["replied_to_tweet_id"] is not None for r in rows) == 6
    quote = next(r for r in rows if r["tweet_id"] == "1392059378782642183")
    assert quote["quoted_tweet_id"] == "1392039762404511744"


# ---------------------------------------------------------------- real payloads: mentions


def test_real_search_page_as_mentions_joins_authors_from_includes():
    (page,) = real_jsonl("x", "twarc_csv__search_recent_page_with_includes.jsonl")
    rows, rejects = parse("x", "mentions", page)
    assert rejects == [] and len(rows) == 100
    assert all(r["author_username"] is not None for r in rows)  # every author is in includes.users
    reply = next(r for r in rows if r["tweet_id"] == "1391900143176327169")
    assert reply == {
        "tweet_id": "1391900143176327169",
        "author_id": "250858058",
        "author_username": "MariamBarghouti",
        "author_followers": 43740,
        "text": reply["text"],
        "created_at": utc(2021, 5, 10, 23, 37, 9),
        "lang": "en",
        "conversation_id": "1391899066431311872",
        "in_reply_to_user_id": "2163076560",
        "replied_to_tweet_id": "1391899066431311872",
        "retweet_count": 4,
        "reply_count": 0,
        "like_count": 38,
        "quote_count": 0,
        "bookmark_count": None,
        "impression_count": None,
    }


# X API v2 sends tweet text HTML-escaped (`&amp;`, `&lt;`, `&gt;`); the page's expanded tweets carry some.
ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("twarc_csv__search_recent_page_with_includes.jsonl", "tweets"),
        ("twarc_csv__search_recent_page_with_includes.jsonl", "mentions"),
        ("twarc_csv__users_lookup_public_metrics.jsonl", "tweets"),
    ],
)
def test_real_escaped_tweet_text_is_stored_unescaped(name, entity):
    (page,) = real_jsonl("x", name)
    sent = page["includes"]["tweets"]
    escaped = {t["id"]: t["text"] for t in sent if "&amp;" in t["text"]}
    assert escaped, "the real page carries escaped tweets"
    rows, rejects = parse("x", entity, {"data": sent})
    assert rejects == [] and len(rows) == len(sent)
    assert not [r["text"] for r in rows if ENTITY.search(r["text"] or "")]
    stored = {r["tweet_id"]: r["text"] for r in rows}
    for tweet_id, text in escaped.items():
        assert stored[tweet_id] == text.replace("&amp;", "&")


def test_an_alias_like_amp_cannot_match_a_real_tweet_that_was_escaped():
    """Brand matching (dbt int_mention_brand_matches) splits text into words: a stored "&amp;" would
    give every such tweet the word "amp". The stored text is what the author wrote."""
    (page,) = real_jsonl("x", "twarc_csv__users_lookup_public_metrics.jsonl")
    rows, _ = parse("x", "mentions", {"data": page["includes"]["tweets"]})
    [row] = [r for r in rows if r["tweet_id"] == "1301275890895159296"]
    assert row["text"] == "& just like that, our whole world changed 🤍 https://t.co/lNl1wzePd7"
    assert not [r["text"] for r in rows if re.search(r"\bamp\b", r["text"] or "", re.IGNORECASE)]


def test_real_tweet_lookup_as_mention_takes_the_author_not_the_mentioned_user():
    (page,) = real_jsonl("x", "twarc_csv__tweets_lookup_mentions_context_annotations.jsonl")
    rows, _ = parse("x", "mentions", page)
    assert [(r["author_id"], r["author_username"], r["author_followers"]) for r in rows] == [
        ("68401342", "BaldManGamer", 569)
    ]


@pytest.mark.parametrize(
    ("name", "first_id", "count"),
    [
        ("tweepy__test_client_get_users_mentions.body.json", "1578516295611748353", 10),
        ("tweepy__test_client_search_recent_tweets.body.json", "1578516068309794817", 10),
    ],
)
def test_real_mentions_without_expansions_have_null_authors(name, first_id, count):
    rows, rejects = parse("x", "mentions", real_json("x", name))
    assert rejects == [] and len(rows) == count
    assert rows[0]["tweet_id"] == first_id
    assert {(r["author_id"], r["author_username"], r["author_followers"]) for r in rows} == {
        (None, None, None)
    }


@pytest.mark.parametrize(
    ("cassette", "entity", "rows_expected"),
    [
        ("tweepy__test_client_get_user", "user", 1),
        ("tweepy__test_client_get_users", "user", 2),
        ("tweepy__test_client_get_users_tweets", "tweets", 2),
        ("tweepy__test_client_get_users_mentions", "mentions", 10),
        ("tweepy__test_client_search_recent_tweets", "mentions", 10),
    ],
)
def test_real_tweepy_cassette_bodies_are_the_derived_json_and_parse(cassette, entity, rows_expected):
    recording = yaml.safe_load(real_path("x", f"{cassette}.yaml").read_text(encoding="utf-8"))
    raw = recording["interactions"][0]["response"]["body"]["string"]
    body = gzip.decompress(raw if isinstance(raw, bytes) else base64.b64decode(raw))
    assert json.loads(body) == real_json("x", f"{cassette}.body.json")
    rows, rejects = parse("x", entity, json.loads(body))
    assert rejects == [] and len(rows) == rows_expected


# ---------------------------------------------------------------- the contract's shapes

CONTRACT_USER = {
    "data": {
        "id": OWN,
        "username": "auroracoffee",
        "public_metrics": {
            "followers_count": 5120,
            "following_count": 210,
            "tweet_count": 1302,
            "listed_count": 12,
        },
    }
}
CONTRACT_TWEETS = {
    "data": [
        {
            "id": "1800000000000000001",
            "text": "Spring menu is live",
            "created_at": "2026-03-01T09:00:00.000Z",
            "lang": "en",
            "conversation_id": "1800000000000000001",
            "public_metrics": {
                "retweet_count": 4,
                "reply_count": 2,
                "like_count": 51,
                "quote_count": 1,
                "bookmark_count": 3,
                "impression_count": 4312,
            },
        }
    ],
    "meta": {"result_count": 1, "next_token": "7140dibdnow9c7btw3w3"},
}
CONTRACT_MENTIONS = {
    "data": [
        {
            "id": "1800000000000000050",
            "author_id": "900001",
            "text": "@auroracoffee my order never arrived",
            "created_at": "2026-03-01T12:30:00.000Z",
            "lang": "en",
            "conversation_id": "1800000000000000050",
            "public_metrics": {"retweet_count": 0, "reply_count": 1, "like_count": 2, "quote_count": 0},
        },
        {
            "id": "1800000000000000051",
            "author_id": OWN,
            "text": "@olena_k so sorry, DM us your order number",
            "created_at": "2026-03-01T12:41:00.000Z",
            "lang": "en",
            "conversation_id": "1800000000000000050",
            "in_reply_to_user_id": "900001",
            "referenced_tweets": [{"type": "replied_to", "id": "1800000000000000050"}],
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0},
        },
    ],
    "includes": {
        "users": [
            {"id": "900001", "username": "olena_k", "public_metrics": {"followers_count": 310}},
            {"id": OWN, "username": "auroracoffee", "public_metrics": {"followers_count": 5120}},
        ]
    },
    "meta": {"result_count": 2},
}


def test_contract_user_snapshot():
    rows, _ = parse("x", "user", CONTRACT_USER)
    assert rows == [
        {
            "user_id": OWN,
            "username": "auroracoffee",
            "followers_count": 5120,
            "following_count": 210,
            "tweet_count": 1302,
            "listed_count": 12,
        }
    ]


def test_contract_tweet_is_typed_with_bookmarks_and_impressions():
    rows, rejects = parse("x", "tweets", CONTRACT_TWEETS)
    assert rejects == []
    assert rows == [
        {
            "tweet_id": "1800000000000000001",
            "author_id": None,
            "text": "Spring menu is live",
            "created_at": utc(2026, 3, 1, 9),
            "lang": "en",
            "conversation_id": "1800000000000000001",
            "in_reply_to_user_id": None,
            "replied_to_tweet_id": None,
            "quoted_tweet_id": None,
            "retweeted_tweet_id": None,
            "retweet_count": 4,
            "reply_count": 2,
            "like_count": 51,
            "quote_count": 1,
            "bookmark_count": 3,
            "impression_count": 4312,
        }
    ]


def test_contract_mentions_carry_author_handle_followers_and_reply_links():
    rows, rejects = parse("x", "mentions", CONTRACT_MENTIONS)
    assert rejects == []
    inbound, reply = rows
    assert (inbound["author_username"], inbound["author_followers"]) == ("olena_k", 310)
    assert inbound["replied_to_tweet_id"] is None
    assert inbound["created_at"] == utc(2026, 3, 1, 12, 30)
    assert (reply["author_id"], reply["author_username"], reply["author_followers"]) == (
        OWN,
        "auroracoffee",
        5120,
    )
    assert reply["replied_to_tweet_id"] == "1800000000000000050"
    assert reply["in_reply_to_user_id"] == "900001"
    assert reply["bookmark_count"] is None and reply["impression_count"] is None


def test_mention_whose_author_is_not_in_includes_has_null_author_fields():
    body = {"data": [CONTRACT_MENTIONS["data"][0]], "includes": {"users": []}}
    rows, _ = parse("x", "mentions", body)
    assert (rows[0]["author_id"], rows[0]["author_username"], rows[0]["author_followers"]) == (
        "900001",
        None,
        None,
    )


# ---------------------------------------------------------------- broken input


def test_v2_errors_without_data_are_an_error_body():
    body = {
        "errors": [
            {
                "value": "1500000000000000001",
                "detail": "Could not find user with id: [1500000000000000001].",
                "title": "Not Found Error",
                "resource_type": "user",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ]
    }
    error = x.error_of(body)
    assert error is not None and "Could not find user with id" in error
    with pytest.raises(Rejected, match="API error body"):
        parse("x", "user", body)


def test_v2_errors_next_to_data_are_a_partial_result():
    assert x.error_of({"data": [], "errors": [{"detail": "one id not found"}]}) is None


def test_v2_problem_object_is_an_error_body():
    body = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
    assert x.error_of(body) == "status 429 Too Many Requests: Too Many Requests"


def test_v1_style_errors_are_an_error_body():
    error = x.error_of({"errors": [{"code": 88, "message": "Rate limit exceeded"}]})
    assert error == "88: Rate limit exceeded"


def test_error_object_gives_code_and_message():
    assert x.error_of({"error": {"code": 401, "message": "Unauthorized"}}) == "code 401: Unauthorized"


def test_a_response_that_is_not_an_object_is_an_error():
    assert x.error_of([{"id": "1"}]) == "response is a JSON array, not an object"


def test_an_empty_page_without_data_is_zero_rows_not_an_error():
    body = {"meta": {"result_count": 0}}
    assert x.error_of(body) is None
    assert parse("x", "tweets", body) == ([], [])
    assert parse("x", "mentions", body) == ([], [])


def test_tweets_data_not_an_array_rejects_the_capture():
    with pytest.raises(Rejected, match="data: expected a JSON array, got object"):
        parse("x", "tweets", {"data": CONTRACT_TWEETS["data"][0]})


def test_user_data_that_is_neither_object_nor_array_rejects_the_capture():
    with pytest.raises(Rejected, match="data: expected a JSON object or array, got string"):
        parse("x", "user", {"data": "auroracoffee"})


def _tweet_with(**metrics):
    tweet = json.loads(json.dumps(CONTRACT_TWEETS["data"][0]))
    tweet["public_metrics"].update(metrics)
    return tweet


@pytest.mark.parametrize(
    ("tweet", "reason"),
    [
        (_tweet_with(like_count="abc"), "public_metrics.like_count: expected an integer"),
        (_tweet_with(retweet_count=True), "public_metrics.retweet_count: expected an integer, got boolean"),
        (_tweet_with(impression_count=-7), "public_metrics.impression_count: negative count -7"),
        ({**CONTRACT_TWEETS["data"][0], "id": None}, "id: missing"),
        ({**CONTRACT_TWEETS["data"][0], "id": 1800000000000000001.5}, "id: expected a string"),
        ({**CONTRACT_TWEETS["data"][0], "public_metrics": [4, 2]}, "public_metrics: expected a JSON object"),
        (
            {**CONTRACT_TWEETS["data"][0], "referenced_tweets": {"type": "quoted"}},
            "referenced_tweets: expected",
        ),
        ({**CONTRACT_TWEETS["data"][0], "created_at": "March 1st"}, "created_at: unparseable timestamp"),
        ("not a tweet", "data[]: expected a JSON object, got string"),
    ],
)
def test_a_bad_tweet_is_rejected_with_the_field_named(tweet, reason):
    good = {**CONTRACT_TWEETS["data"][0], "id": "1800000000000000099"}
    rows, rejects = parse("x", "tweets", {"data": [tweet, good]})
    assert [r["tweet_id"] for r in rows] == ["1800000000000000099"]
    assert len(rejects) == 1 and rejects[0].startswith(reason)


def test_mention_author_followers_as_text_is_rejected():
    body = {
        "data": [CONTRACT_MENTIONS["data"][0]],
        "includes": {
            "users": [{"id": "900001", "username": "olena_k", "public_metrics": {"followers_count": "x"}}]
        },
    }
    _, rejects = parse("x", "mentions", body)
    assert rejects[0].startswith("includes.users[].public_metrics.followers_count: expected an integer")


def test_user_without_id_is_rejected():
    rows, rejects = parse("x", "user", {"data": {"username": "auroracoffee"}})
    assert rows == [] and rejects == ["id: missing"]
