"""YouTube parser: real Data API payloads, the contract's shapes, the Reporting API CSV, broken input."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.parsers import youtube
from pipelines.parsers.base import Rejected
from tests.unit.parsers.landing_kit import csv_row, parse, parse_export, real_files, real_json, utc

# Every real YouTube payload and the entity folder it would land in.
REAL_FILES = {
    "pyyoutube__channels_list_multiple.json": "channel",
    "pyyoutube__channels_list_snippet_statistics.json": "channel",
    "pyyoutube__commentThreads_by_video_p1.json": "comment_threads",
    "pyyoutube__search_videos_by_channel.json": "search",
    "pyyoutube__videos_list_all_parts_statistics.json": "videos",
}

# ---------------------------------------------------------------- real payloads


def test_every_real_youtube_fixture_is_covered_and_parses_without_rejects():
    assert real_files("youtube") == set(REAL_FILES)
    for name, entity in REAL_FILES.items():
        rows, rejects = parse("youtube", entity, real_json("youtube", name))
        assert rows and rejects == [], name


def test_real_channel_string_counts_become_integers():
    rows, _ = parse(
        "youtube", "channel", real_json("youtube", "pyyoutube__channels_list_snippet_statistics.json")
    )
    assert rows == [
        {
            "channel_id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
            "title": "Google Developers",
            "view_count": 160361638,
            "subscriber_count": 1927873,
            "hidden_subscriber_count": False,
            "video_count": 5026,
        }
    ]


def test_real_two_channel_page_gives_one_row_per_channel():
    rows, _ = parse("youtube", "channel", real_json("youtube", "pyyoutube__channels_list_multiple.json"))
    assert [(r["channel_id"], r["subscriber_count"], r["view_count"]) for r in rows] == [
        ("UCK8sQmJBp8GCxrOtXWBpyEA", 10700000, 3331930783),
        ("UC_x5XG1OV2P6uZZ5FSM9Ttw", 2260000, 208790084),
    ]


def test_real_video_statistics_and_snippet():
    rows, _ = parse(
        "youtube", "videos", real_json("youtube", "pyyoutube__videos_list_all_parts_statistics.json")
    )
    [video] = rows
    assert video["video_id"] == "D-lhorsDlUQ"
    assert video["channel_id"] == "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    assert video["published_at"] == utc(2019, 3, 21, 20, 37, 49)
    assert video["title"] == "What are Actions on Google (Assistant on Air)"
    assert (video["view_count"], video["like_count"], video["comment_count"], video["favorite_count"]) == (
        7920,
        190,
        32,
        0,
    )


def test_real_comment_threads_give_top_level_comments_with_original_text():
    rows, _ = parse(
        "youtube", "comment_threads", real_json("youtube", "pyyoutube__commentThreads_by_video_p1.json")
    )
    assert len(rows) == 5
    first = rows[0]
    assert first["comment_id"] == first["thread_id"] == "UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first["video_id"] == "F1UP7wRCPH8"
    assert first["author_channel_id"] == "UCzj-CjKYmGlZ7vTL-vOe57A"
    assert first["author_display_name"] == "himani agarwal"
    # textOriginal, not the HTML of textDisplay.
    assert first["text"] == "Google.com"
    assert first["published_at"] == utc(2019, 11, 26, 15, 51, 44)
    assert [r["like_count"] for r in rows] == [0, 1, 4, 1, 0]
    assert all(r["parent_comment_id"] is None for r in rows)
    # This old capture has no snippet.channelId: unknown, not guessed.
    assert all(r["channel_id"] is None for r in rows)


def test_real_search_results_are_videos_with_channel_title():
    rows, _ = parse("youtube", "search", real_json("youtube", "pyyoutube__search_videos_by_channel.json"))
    assert [r["video_id"] for r in rows] == [
        "LrQWzOkC0XQ",
        "lVQ1EKR1v1I",
        "Bud7XR8crWw",
        "k_NtkiMAC-o",
        "dfweWyVScaI",
    ]
    assert {r["channel_title"] for r in rows} == {"Google Developers"}
    assert rows[1]["published_at"] == utc(2011, 9, 12, 20, 55, 45)
    # Search snippets are HTML-escaped: the real title is "YouTube&#39;s API and The News".
    assert rows[1]["title"] == "YouTube's API and The News"
    # The description of the same result came unescaped ("YouTube's"): one unescape keeps it.
    assert rows[1]["description"].startswith("On July 20, 2011, YouTube and Link TV hosted")
    assert "YouTube's" in rows[1]["description"]


def test_search_unescapes_title_description_and_channel_title_once():
    item = {
        "id": {"kind": "youtube#video", "videoId": "v1"},
        "snippet": {
            "channelId": "UC1",
            "channelTitle": "Tom &amp; Jerry",
            "publishedAt": "2026-03-01T10:00:00Z",
            "title": "&quot;Aurora&quot; &amp;lt;3",
            "description": "It&#39;s good",
        },
    }
    [row], _ = parse("youtube", "search", {"items": [item]})
    assert (row["channel_title"], row["title"], row["description"]) == (
        "Tom & Jerry",
        '"Aurora" &lt;3',
        "It's good",
    )


def test_videos_and_comments_are_raw_text_kept_as_typed():
    """videos.list titles and textOriginal are not escaped: an "&amp;" there is what was typed."""
    body = {
        "items": [{"id": "v1", "snippet": {"title": "R&amp;D", "description": "a &lt; b"}, "statistics": {}}]
    }
    [row], _ = parse("youtube", "videos", body)
    assert (row["title"], row["description"]) == ("R&amp;D", "a &lt; b")


def test_real_comment_text_display_read_as_text_equals_text_original():
    """A capture without textOriginal falls back to textDisplay (HTML: <a>, <br />, `&#39;`): read
    as text, every real comment gives exactly its textOriginal."""
    body = real_json("youtube", "pyyoutube__commentThreads_by_video_p1.json")
    originals = [t["snippet"]["topLevelComment"]["snippet"].pop("textOriginal") for t in body["items"]]
    assert any("&#39;" in t["snippet"]["topLevelComment"]["snippet"]["textDisplay"] for t in body["items"])
    rows, rejects = parse("youtube", "comment_threads", body)
    assert rejects == []
    assert [r["text"] for r in rows] == originals


# ---------------------------------------------------------------- the contract's shapes

CONTRACT_CHANNEL = {
    "kind": "youtube#channelListResponse",
    "items": [
        {
            "id": "UCaurora000000000000000",
            "snippet": {"title": "Aurora Coffee"},
            "statistics": {
                "viewCount": "812345",
                "subscriberCount": "20100",
                "hiddenSubscriberCount": False,
                "videoCount": "311",
            },
        }
    ],
}

CONTRACT_VIDEOS = {
    "items": [
        {
            "id": "dQw4w9WgXcQ",
            "snippet": {
                "publishedAt": "2026-03-01T15:00:00Z",
                "channelId": "UCaurora000000000000000",
                "title": "Spring blend",
                "description": "Tasting notes",
            },
            "statistics": {
                "viewCount": "10234",
                "likeCount": "512",
                "favoriteCount": "0",
                "commentCount": "44",
            },
        }
    ],
    "pageInfo": {"totalResults": 1, "resultsPerPage": 50},
}

CONTRACT_SEARCH = {
    "items": [
        {
            "id": {"kind": "youtube#video", "videoId": "abcDEF12345"},
            "snippet": {
                "channelId": "UCother00000000000000000",
                "channelTitle": "Coffee Reviews",
                "publishedAt": "2026-03-01T12:00:00Z",
                "title": "Aurora Coffee review",
                "description": "Is it worth it?",
            },
        }
    ]
}


def _comment(comment_id: str, text: str, published: str, likes: int, parent: str | None = None) -> dict:
    snippet = {
        "videoId": "dQw4w9WgXcQ",
        "authorDisplayName": f"author of {comment_id}",
        "authorChannelId": {"value": f"UCauthor_{comment_id}"},
        "textDisplay": f"<b>{text}</b>",
        "textOriginal": text,
        "likeCount": likes,
        "publishedAt": published,
    }
    if parent is not None:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "id": comment_id, "snippet": snippet}


CONTRACT_THREADS = {
    "items": [
        {
            "id": "UgxTHREAD1",
            "snippet": {
                "channelId": "UCaurora000000000000000",
                "videoId": "dQw4w9WgXcQ",
                "topLevelComment": _comment("UgxTHREAD1", "Where can I buy it?", "2026-03-01T16:00:00Z", 3),
                "totalReplyCount": 2,
            },
            "replies": {
                "comments": [
                    _comment("UgxTHREAD1.r1", "In our shop!", "2026-03-01T16:30:00Z", 1, parent="UgxTHREAD1"),
                    # Some replies come without parentId: the thread's top-level comment is the parent.
                    {**_comment("UgxTHREAD1.r2", "Thanks", "2026-03-01T17:00:00Z", 0)},
                ]
            },
        }
    ]
}


def test_contract_channel_counts_sent_as_strings_are_integers():
    rows, _ = parse("youtube", "channel", CONTRACT_CHANNEL)
    assert rows == [
        {
            "channel_id": "UCaurora000000000000000",
            "title": "Aurora Coffee",
            "view_count": 812345,
            "subscriber_count": 20100,
            "hidden_subscriber_count": False,
            "video_count": 311,
        }
    ]


def test_contract_video_row():
    rows, _ = parse("youtube", "videos", CONTRACT_VIDEOS)
    assert rows == [
        {
            "video_id": "dQw4w9WgXcQ",
            "channel_id": "UCaurora000000000000000",
            "published_at": utc(2026, 3, 1, 15),
            "title": "Spring blend",
            "description": "Tasting notes",
            "view_count": 10234,
            "like_count": 512,
            "comment_count": 44,
            "favorite_count": 0,
        }
    ]


def test_hidden_like_count_is_null_not_zero():
    body = {
        "items": [{**CONTRACT_VIDEOS["items"][0], "statistics": {"viewCount": "10", "commentCount": "1"}}]
    }
    [row], _ = parse("youtube", "videos", body)
    assert row["like_count"] is None and row["view_count"] == 10


def test_comment_threads_flatten_top_level_comment_then_replies_with_parent():
    rows, rejects = parse("youtube", "comment_threads", CONTRACT_THREADS)
    assert rejects == []
    assert [(r["comment_id"], r["parent_comment_id"]) for r in rows] == [
        ("UgxTHREAD1", None),
        ("UgxTHREAD1.r1", "UgxTHREAD1"),
        ("UgxTHREAD1.r2", "UgxTHREAD1"),
    ]
    assert {r["thread_id"] for r in rows} == {"UgxTHREAD1"}
    assert {r["video_id"] for r in rows} == {"dQw4w9WgXcQ"}
    assert {r["channel_id"] for r in rows} == {"UCaurora000000000000000"}
    reply = rows[1]
    assert reply["text"] == "In our shop!"
    assert reply["author_channel_id"] == "UCauthor_UgxTHREAD1.r1"
    assert reply["published_at"] == utc(2026, 3, 1, 16, 30)
    assert reply["like_count"] == 1


def test_comment_text_falls_back_to_text_display_without_its_markup():
    thread = CONTRACT_THREADS["items"][0]
    top = _comment("UgxTHREAD1", "x &amp; y", "2026-03-01T16:00:00Z", 0)
    del top["snippet"]["textOriginal"]
    body = {"items": [{"id": thread["id"], "snippet": {**thread["snippet"], "topLevelComment": top}}]}
    [row], _ = parse("youtube", "comment_threads", body)
    assert row["text"] == "x & y"


def test_contract_search_result():
    rows, _ = parse("youtube", "search", CONTRACT_SEARCH)
    assert rows == [
        {
            "video_id": "abcDEF12345",
            "channel_id": "UCother00000000000000000",
            "channel_title": "Coffee Reviews",
            "published_at": utc(2026, 3, 1, 12),
            "title": "Aurora Coffee review",
            "description": "Is it worth it?",
        }
    ]


A3_HEADER = (
    "date,channel_id,video_id,live_or_on_demand,subscribed_status,country_code,views,comments,likes,dislikes,"
    "shares,watch_time_minutes,average_view_duration_seconds,average_view_duration_percentage,"
    "subscribers_gained,subscribers_lost"
)


def test_channel_basic_a3_csv_row_is_typed_from_strings():
    row = csv_row(
        A3_HEADER,
        "20260301,UCaurora000000000000000,dQw4w9WgXcQ,on_demand,subscribed,UA,120,3,14,,2,"
        "310.5,155.25,41.2,5,1",
    )
    rows, rejects = parse_export("youtube", "channel_basic_a3", row)
    assert rejects == []
    assert rows == [
        {
            "report_date": date(2026, 3, 1),
            "channel_id": "UCaurora000000000000000",
            "video_id": "dQw4w9WgXcQ",
            "live_or_on_demand": "on_demand",
            "subscribed_status": "subscribed",
            "country_code": "UA",
            "views": 120,
            "comments": 3,
            "likes": 14,
            "dislikes": None,  # empty cell: unknown
            "shares": 2,
            "watch_time_minutes": 310.5,
            "average_view_duration_seconds": 155.25,
            "subscribers_gained": 5,
            "subscribers_lost": 1,
        }
    ]


def test_channel_basic_a3_csv_row_is_not_an_error_body():
    assert (
        youtube.error_of(csv_row(A3_HEADER, "20260301,UC1,v,on_demand,subscribed,UA,1,0,0,0,0,1,1,1,0,0"))
        is None
    )


@pytest.mark.parametrize(
    ("cell", "value", "reason"),
    [
        ("date", "", "date: missing"),
        ("date", "2026-13-45", "date: unparseable"),
        ("channel_id", "", "channel_id: missing"),
        ("views", "many", "views: expected an integer"),
        ("subscribers_lost", "-2", "subscribers_lost: negative"),
        ("watch_time_minutes", "-1.5", "watch_time_minutes: negative"),
    ],
)
def test_channel_basic_a3_bad_cell_rejects_the_row_naming_the_column(cell, value, reason):
    row = csv_row(A3_HEADER, "20260301,UC1,v,on_demand,subscribed,UA,1,0,0,0,0,1,1,1,0,0")
    row[cell] = value
    rows, rejects = parse_export("youtube", "channel_basic_a3", row)
    assert rows == []
    assert len(rejects) == 1 and rejects[0].startswith(reason), rejects


# ---------------------------------------------------------------- broken input


def test_error_body_rejects_the_whole_capture_with_code_and_message():
    body = {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your quota.",
            "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}],
        }
    }
    assert (
        youtube.error_of(body) == "403 The request cannot be completed because you have exceeded your quota."
    )
    with pytest.raises(Rejected, match="403"):
        parse("youtube", "channel", body)


def test_non_object_body_is_an_error():
    assert youtube.error_of(["items"]) == "response is not a JSON object (got array)"
    assert youtube.error_of(CONTRACT_CHANNEL) is None


def test_items_that_are_not_an_array_reject_the_capture():
    with pytest.raises(Rejected, match="items: expected a JSON array"):
        parse("youtube", "videos", {"items": {"id": "x"}})


def test_search_result_that_is_not_a_video_is_rejected():
    channel_hit = {"id": {"kind": "youtube#channel", "channelId": "UCx"}, "snippet": {"title": "A channel"}}
    rows, rejects = parse("youtube", "search", {"items": [channel_hit, *CONTRACT_SEARCH["items"]]})
    assert [r["video_id"] for r in rows] == ["abcDEF12345"]
    assert rejects == ["id.kind: not a video result (youtube#channel)"]


@pytest.mark.parametrize(
    ("statistics", "reason"),
    [
        ({"subscriberCount": "-5"}, "statistics.subscriberCount: negative count -5"),
        ({"viewCount": "lots"}, "statistics.viewCount: expected an integer"),
        ({"videoCount": True}, "statistics.videoCount: expected an integer, got boolean"),
        ({"hiddenSubscriberCount": "no"}, "statistics.hiddenSubscriberCount: expected a boolean"),
    ],
)
def test_bad_channel_statistic_rejects_the_record_naming_the_field(statistics, reason):
    item = {"id": "UC1", "snippet": {"title": "t"}, "statistics": statistics}
    rows, rejects = parse("youtube", "channel", {"items": [item, CONTRACT_CHANNEL["items"][0]]})
    assert len(rows) == 1
    assert len(rejects) == 1 and rejects[0].startswith(reason), rejects


def test_video_without_id_or_with_bad_time_is_rejected_naming_the_field():
    good = CONTRACT_VIDEOS["items"][0]
    no_id = {k: v for k, v in good.items() if k != "id"}
    bad_time = {**good, "snippet": {**good["snippet"], "publishedAt": "yesterday"}}
    rows, rejects = parse("youtube", "videos", {"items": [no_id, bad_time, good, "oops"]})
    assert len(rows) == 1
    assert rejects[0] == "id: missing"
    assert rejects[1].startswith("snippet.publishedAt: unparseable timestamp")
    assert rejects[2] == "items[]: expected a JSON object, got string"


def test_broken_reply_is_rejected_alone_and_the_thread_still_loads():
    thread = CONTRACT_THREADS["items"][0]
    body = {"items": [{**thread, "replies": {"comments": [{"snippet": {"textOriginal": "no id"}}]}}]}
    rows, rejects = parse("youtube", "comment_threads", body)
    assert [r["comment_id"] for r in rows] == ["UgxTHREAD1"]
    assert rejects == ["replies.comments[].id: missing"]


def test_replies_that_are_not_an_array_are_rejected_alone():
    thread = CONTRACT_THREADS["items"][0]
    rows, rejects = parse("youtube", "comment_threads", {"items": [{**thread, "replies": {"comments": "x"}}]})
    assert [r["comment_id"] for r in rows] == ["UgxTHREAD1"]
    assert rejects == ["replies.comments: expected a JSON array, got string"]
