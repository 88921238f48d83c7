"""Listening-export parser: both header variants of the contract, other tools' spellings, stable
hashed ids, sentiment and platform normalisation, and broken rows."""

from __future__ import annotations

import hashlib

import pytest

from pipelines.parsers import listening
from pipelines.parsers.base import Rejected
from tests.unit.parsers.landing_kit import csv_row, parse_export, utc

# Variant A (YouScan-like) and variant B (Talkwalker-like), as the contract spells their headers.
HEADER_A = "Mention ID,Source,Published,URL,Author,Author Followers,Text,Language,Reach,Engagement,Sentiment"
HEADER_B = (
    "url,published,title,content,lang,source_type,author_name,author_followers,reach,engagement,sentiment"
)

TWEET_URL = "https://twitter.com/latte_lover/status/1896000000000000001"
ROW_A = csv_row(
    HEADER_A,
    f'yc-1001,Twitter,2026-03-02 14:05:00,{TWEET_URL},latte_lover,"1,234",Loving the @auroracoffee latte,en,'
    "5000,42,positive",
)
# The same tweet exported by the other tool: local time with an offset, -1/0/1 sentiment, no id.
ROW_B = csv_row(
    HEADER_B,
    f"{TWEET_URL},2026-03-02T16:05:00+02:00,,Loving the @auroracoffee latte,en,twitter,latte_lover,1234,5000,42,1",
)


def mention(record: dict[str, str]) -> dict:
    rows, rejects = parse_export("listening", "mentions", record)
    assert rejects == [], rejects
    [row] = rows
    return row


def reject_reason(record: dict[str, str]) -> str:
    rows, rejects = parse_export("listening", "mentions", record)
    assert rows == []
    [reason] = rejects
    return reason


# ---------------------------------------------------------------- header variants


def test_variant_a_maps_every_column():
    assert mention(ROW_A) == {
        "mention_id": "yc-1001",
        "platform": "x",
        "source_platform": "Twitter",
        "published_at": utc(2026, 3, 2, 14, 5),  # no offset: UTC
        "url": TWEET_URL,
        "author_handle": "latte_lover",
        "author_followers": 1234,  # "1,234" with a thousands separator
        "text": "Loving the @auroracoffee latte",
        "language": "en",
        "reach": 5000,
        "engagements": 42,
        "sentiment": "positive",
    }


def test_variant_b_maps_to_the_same_values_with_a_hashed_id():
    a, b = mention(ROW_A), mention(ROW_B)
    assert list(a) == list(b)
    assert b["mention_id"] == "h_" + hashlib.sha1(TWEET_URL.encode()).hexdigest()
    assert b["source_platform"] == "twitter"
    same = [k for k in a if k not in ("mention_id", "source_platform")]
    assert {k: b[k] for k in same} == {k: a[k] for k in same}
    assert b["published_at"] == utc(2026, 3, 2, 14, 5)  # +02:00 converted to UTC


def test_hashed_id_is_stable_across_reads_and_exports():
    assert mention(ROW_B)["mention_id"] == mention(dict(ROW_B))["mention_id"]


def test_row_without_id_or_url_is_hashed_from_text_time_and_author():
    no_url = {**ROW_B, "url": ""}
    first, again = mention(no_url), mention(dict(no_url))
    assert first["mention_id"] == again["mention_id"]
    assert first["mention_id"].startswith("h_") and len(first["mention_id"]) == 42
    assert first["url"] is None
    other_author = mention({**no_url, "author_name": "someone_else"})
    assert other_author["mention_id"] != first["mention_id"]
    # The same moment written with another offset is the same mention.
    shifted = mention({**no_url, "published": "2026-03-02T14:05:00Z"})
    assert shifted["mention_id"] == first["mention_id"]


def test_talkwalker_title_is_kept_with_the_content_for_brand_matching():
    row = mention({**ROW_B, "title": "Aurora Coffee opens in Lviv", "content": "The roaster's third shop"})
    assert row["text"] == "Aurora Coffee opens in Lviv\nThe roaster's third shop"
    assert mention({**ROW_B, "title": "Loving the"})["text"] == "Loving the @auroracoffee latte"


def test_other_tools_spellings_map_case_and_space_insensitively():
    header = (
        "Resource Id,Date,Url,Screen Name,Full Text,Lang,Reach (new),Impressions,Twitter Followers,"
        "Engagements,SENTIMENT,Page Type"
    )
    row = csv_row(
        header,
        "bw-9,2026-03-02T09:30:00Z,https://vk.com/wall-1_2,ivan,Аврора Кофе топ,ru,800,99999,150,"
        "7,Negative,VKontakte",
    )
    assert mention(row) == {
        "mention_id": "bw-9",
        "platform": "vk",
        "source_platform": "VKontakte",
        "published_at": utc(2026, 3, 2, 9, 30),
        "url": "https://vk.com/wall-1_2",
        "author_handle": "ivan",
        "author_followers": 150,
        "text": "Аврора Кофе топ",
        "language": "ru",
        "reach": 800,  # Impressions are not reach
        "engagements": 7,
        "sentiment": "negative",
    }


def test_bom_and_snake_case_headers_are_recognised():
    row = {
        "\ufeffmention_id": "x1",
        "published_at": "2026-03-02 10:00",
        "link": "https://t.me/c/1/2",
        "content": "hi",
        "snippet": "ignored: content wins",
    }
    result = mention(row)
    assert result["mention_id"] == "x1"
    assert result["platform"] == "telegram"  # no source column: the URL's host says where
    assert result["text"] == "hi"


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("source", "platform"),
    [
        ("Twitter", "x"),
        ("X", "x"),
        ("twitter.com", "x"),
        ("VKontakte", "vk"),
        ("vk", "vk"),
        ("Facebook", "facebook"),
        ("Instagram", "instagram"),
        ("YouTube", "youtube"),
        ("TikTok", "tiktok"),
        ("Telegram", "telegram"),
        ("LinkedIn", "linkedin"),
        ("Forum", "other"),
        ("News", "other"),
        ("blogs", "other"),
    ],
)
def test_source_label_maps_to_platform(source, platform):
    row = mention({**ROW_A, "Source": source, "URL": "https://example.com/post/1"})
    assert (row["platform"], row["source_platform"]) == (platform, source)


@pytest.mark.parametrize(
    ("value", "sentiment"),
    [
        ("positive", "positive"),
        ("Positive", "positive"),
        ("pos", "positive"),
        ("1", "positive"),
        ("0", "neutral"),
        ("Neutral", "neutral"),
        ("-1", "negative"),
        ("neg", "negative"),
        ("-0.6", "negative"),
        ("0.25", "positive"),
        ("", None),
        ("mixed", None),
    ],
)
def test_sentiment_is_normalised_and_unknown_is_null(value, sentiment):
    assert mention({**ROW_A, "Sentiment": value})["sentiment"] == sentiment


@pytest.mark.parametrize(
    ("value", "count"),
    [("1,234", 1234), ("1 234 567", 1234567), ("1234", 1234), ("1234.0", 1234), ("", None), ("n/a", None)],
)
def test_counts_read_spreadsheet_spellings(value, count):
    assert mention({**ROW_A, "Reach": value})["reach"] == count


def test_naive_time_is_utc_and_epoch_millis_are_read():
    assert mention({**ROW_A, "Published": "2026-03-02T23:30:00"})["published_at"] == utc(2026, 3, 2, 23, 30)
    assert mention({**ROW_B, "published": "1772445900000"})["published_at"] == utc(2026, 3, 2, 10, 5)


# ---------------------------------------------------------------- broken rows


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Published": ""}, "published_at: missing"),
        ({"Published": "yesterday"}, "published_at: unparseable timestamp"),
        ({"Reach": "-3"}, "reach: negative count -3"),
        ({"Engagement": "lots"}, "engagements: expected an integer"),
        ({"Author Followers": "12.5"}, "author_followers: expected an integer"),
    ],
)
def test_bad_cell_rejects_the_row_naming_the_field(change, reason):
    assert reject_reason({**ROW_A, **change}).startswith(reason)


def test_a_row_is_never_an_error_body_but_a_non_object_is():
    assert listening.error_of(ROW_A) is None
    assert listening.error_of({"error": "a column called error"}) is None
    assert listening.error_of(["a", "b"]) is not None
    with pytest.raises(Rejected, match="API error body"):
        parse_export("listening", "mentions", ["a", "b"])
