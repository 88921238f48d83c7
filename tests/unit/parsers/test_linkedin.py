"""LinkedIn Pages parser: the real Airbyte-recorded records, the contract's shapes, broken input."""

from __future__ import annotations

import pytest

from pipelines.parsers import linkedin
from pipelines.parsers.base import Rejected
from tests.unit.parsers.capture_kit import parse, parse_direct, real_jsonl, utc

ORG = "urn:li:organization:5000001"
REAL_ORG = "urn:li:organization:90362860"
AIRBYTE = "airbyte__linkedin_pages_expected_records.jsonl"


def _airbyte_data(stream: str) -> dict:
    """The API element Airbyte recorded for one stream (the file is Airbyte envelopes, not pages)."""
    (data,) = [record["data"] for record in real_jsonl("linkedin", AIRBYTE) if record["stream"] == stream]
    return data


# ---------------------------------------------------------------- real payloads


def test_real_airbyte_file_has_the_four_streams_mapped_below():
    streams = [record["stream"] for record in real_jsonl("linkedin", AIRBYTE)]
    assert streams == [
        "organization_lookup",
        "follower_statistics",
        "share_statistics",
        "total_follower_count",
    ]


def test_real_network_size_is_the_organisation_follower_snapshot():
    rows, rejects = parse(
        "linkedin", "organization", _airbyte_data("total_follower_count"), object_id=REAL_ORG
    )
    assert rejects == []
    assert rows == [{"organization_urn": REAL_ORG, "follower_count": 0}]


def test_real_organization_lookup_is_not_a_follower_snapshot():
    rows, rejects = parse(
        "linkedin", "organization", _airbyte_data("organization_lookup"), object_id=REAL_ORG
    )
    assert rows == []
    assert rejects == ["firstDegreeSize: missing; not a networkSizes response"]


def test_real_lifetime_share_statistics_are_an_organisation_total_with_null_share():
    # Called through the module directly: parse_capture rejects rows whose first key column is NULL,
    # and share_urn (first in the schema key) is NULL by design for organisation totals.
    body = {"elements": [_airbyte_data("share_statistics")]}
    rows, rejects = parse_direct(linkedin, "linkedin", "share_statistics", body, object_id=REAL_ORG)
    assert rejects == []
    assert rows == [
        {
            "share_urn": None,
            "organization_urn": REAL_ORG,
            "click_count": 0,
            "comment_count": 0,
            "engagement": 0.0,
            "impression_count": 0,
            "like_count": 0,
            "share_count": 0,
            "unique_impressions_count": 0,
        }
    ]


def test_real_lifetime_follower_breakdown_is_rejected_visibly_not_dropped():
    body = {"elements": [_airbyte_data("follower_statistics")]}
    rows, rejects = parse("linkedin", "follower_statistics", body, object_id=REAL_ORG)
    assert rows == []
    assert rejects == ["timeRange: missing; lifetime follower breakdown, not a daily series"]


# ---------------------------------------------------------------- the contract's shapes

CONTRACT_ORGANIZATION = {"firstDegreeSize": 48210}
CONTRACT_POSTS = {
    "elements": [
        {
            "id": "urn:li:share:7100000000000000001",
            "author": ORG,
            "commentary": "We're hiring baristas in Kyiv",
            "createdAt": 1772355600000,
            "publishedAt": 1772355600000,
            "lifecycleState": "PUBLISHED",
            "visibility": "PUBLIC",
        }
    ],
    "paging": {"start": 0, "count": 10, "total": 57},
}
CONTRACT_SHARE_STATISTICS = {
    "elements": [
        {
            "share": "urn:li:share:7100000000000000001",
            "organizationalEntity": ORG,
            "totalShareStatistics": {
                "clickCount": 80,
                "commentCount": 6,
                "engagement": 0.021,
                "impressionCount": 9120,
                "likeCount": 95,
                "shareCount": 11,
                "uniqueImpressionsCount": 6400,
            },
        }
    ]
}
CONTRACT_FOLLOWER_STATISTICS = {
    "elements": [
        {
            "timeRange": {"start": 1772323200000, "end": 1772409600000},
            "followerGains": {"organicFollowerGain": 17, "paidFollowerGain": 0},
        }
    ]
}


def test_contract_network_size():
    rows, _ = parse("linkedin", "organization", CONTRACT_ORGANIZATION)
    assert rows == [{"organization_urn": ORG, "follower_count": 48210}]


def test_contract_post_times_are_epoch_millis_in_utc():
    rows, rejects = parse("linkedin", "posts", CONTRACT_POSTS)
    assert rejects == []
    assert rows == [
        {
            "post_urn": "urn:li:share:7100000000000000001",
            "author_urn": ORG,
            "commentary": "We're hiring baristas in Kyiv",
            "created_at": utc(2026, 3, 1, 9),
            "published_at": utc(2026, 3, 1, 9),
            "lifecycle_state": "PUBLISHED",
            "visibility": "PUBLIC",
        }
    ]


def test_contract_share_statistics():
    rows, rejects = parse("linkedin", "share_statistics", CONTRACT_SHARE_STATISTICS)
    assert rejects == []
    assert rows == [
        {
            "share_urn": "urn:li:share:7100000000000000001",
            "organization_urn": ORG,
            "click_count": 80,
            "comment_count": 6,
            "engagement": 0.021,
            "impression_count": 9120,
            "like_count": 95,
            "share_count": 11,
            "unique_impressions_count": 6400,
        }
    ]


def test_share_statistics_of_a_ugc_post_use_its_urn():
    element = dict(CONTRACT_SHARE_STATISTICS["elements"][0])
    del element["share"]
    element["ugcPost"] = "urn:li:ugcPost:7100000000000000002"
    rows, _ = parse("linkedin", "share_statistics", {"elements": [element]})
    assert rows[0]["share_urn"] == "urn:li:ugcPost:7100000000000000002"


def test_contract_follower_gains_are_one_utc_day():
    rows, rejects = parse("linkedin", "follower_statistics", CONTRACT_FOLLOWER_STATISTICS)
    assert rejects == []
    assert rows == [
        {
            "organization_urn": ORG,  # no organizationalEntity in the element: the capture's account
            "time_range_start": utc(2026, 3, 1),
            "time_range_end": utc(2026, 3, 2),
            "organic_follower_gain": 17,
            "paid_follower_gain": 0,
        }
    ]


def test_follower_statistics_mixing_days_and_a_lifetime_breakdown_keep_the_days():
    body = {
        "elements": [
            *CONTRACT_FOLLOWER_STATISTICS["elements"],
            {"organizationalEntity": ORG, "followerCountsByFunction": []},
        ]
    }
    rows, rejects = parse("linkedin", "follower_statistics", body)
    assert [r["time_range_start"] for r in rows] == [utc(2026, 3, 1)]
    assert rejects == ["timeRange: missing; lifetime follower breakdown, not a daily series"]


# ---------------------------------------------------------------- broken input


def test_status_error_body_is_detected():
    body = {"status": 429, "message": "Resource level throttle limit for calls to this resource is reached."}
    assert linkedin.error_of(body) == (
        "status 429: Resource level throttle limit for calls to this resource is reached."
    )
    with pytest.raises(Rejected, match="API error body: status 429"):
        parse("linkedin", "posts", body)


def test_service_error_code_body_is_detected():
    body = {
        "serviceErrorCode": 65600,
        "code": "INVALID_ACCESS_TOKEN",
        "message": "Invalid access token",
        "status": 401,
    }
    assert (
        linkedin.error_of(body)
        == "status 401, serviceErrorCode 65600, INVALID_ACCESS_TOKEN: Invalid access token"
    )


def test_a_response_that_is_not_an_object_is_an_error():
    assert linkedin.error_of([48210]) == "response is a JSON array, not an object"
    assert linkedin.error_of(CONTRACT_POSTS) is None
    assert linkedin.error_of({"status": 200, "elements": []}) is None


def test_elements_not_an_array_rejects_the_capture():
    with pytest.raises(Rejected, match="elements: expected a JSON array, got object"):
        parse("linkedin", "posts", {"elements": CONTRACT_POSTS["elements"][0]})


def test_a_body_without_elements_is_not_a_collection_response():
    with pytest.raises(Rejected, match="elements: missing"):
        parse("linkedin", "share_statistics", CONTRACT_SHARE_STATISTICS["elements"][0])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("abc", "firstDegreeSize: expected an integer"),
        (True, "firstDegreeSize: expected an integer, got boolean"),
        (-4, "firstDegreeSize: negative count -4"),
    ],
)
def test_bad_network_size_is_rejected(value, reason):
    rows, rejects = parse("linkedin", "organization", {"firstDegreeSize": value})
    assert rows == [] and rejects[0].startswith(reason)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": None}, "id: missing"),
        ({"createdAt": "2026-03-01"}, "createdAt: expected an integer"),
        ({"publishedAt": 1772355600}, "publishedAt: timestamp 1970-01-21"),  # seconds, not millis
        ({"author": 5000001}, None),  # an integer id is spelled as a string, not rejected
    ],
)
def test_bad_post_fields(changes, reason):
    rows, rejects = parse("linkedin", "posts", {"elements": [{**CONTRACT_POSTS["elements"][0], **changes}]})
    if reason is None:
        assert rows[0]["author_urn"] == "5000001" and rejects == []
    else:
        assert rows == [] and rejects[0].startswith(reason)


@pytest.mark.parametrize(
    ("stats", "reason"),
    [
        ({"clickCount": "eighty"}, "totalShareStatistics.clickCount: expected an integer"),
        ({"likeCount": False}, "totalShareStatistics.likeCount: expected an integer, got boolean"),
        ({"impressionCount": -1}, "totalShareStatistics.impressionCount: negative count -1"),
        ({"engagement": "high"}, "totalShareStatistics.engagement: expected a number"),
    ],
)
def test_bad_share_statistics_are_rejected_with_the_field_named(stats, reason):
    element = CONTRACT_SHARE_STATISTICS["elements"][0]
    bad = {**element, "totalShareStatistics": {**element["totalShareStatistics"], **stats}}
    rows, rejects = parse("linkedin", "share_statistics", {"elements": [bad, element]})
    assert len(rows) == 1 and len(rejects) == 1 and rejects[0].startswith(reason)


def test_time_bound_share_statistics_are_not_taken_as_lifetime_totals():
    element = {
        **CONTRACT_SHARE_STATISTICS["elements"][0],
        "timeRange": {"start": 1772323200000, "end": 1772409600000},
    }
    rows, rejects = parse("linkedin", "share_statistics", {"elements": [element]})
    assert rows == [] and rejects == ["timeRange: time-bound share statistics, not a lifetime total"]


def test_share_statistics_without_totals_are_rejected():
    rows, rejects = parse("linkedin", "share_statistics", {"elements": [{"share": "urn:li:share:1"}]})
    assert rows == [] and rejects == ["totalShareStatistics: missing"]


@pytest.mark.parametrize(
    ("element", "reason"),
    [
        ({"timeRange": {"end": 1772409600000}}, "timeRange.start: missing"),
        ({"timeRange": {"start": "monday"}}, "timeRange.start: expected an integer"),
        (
            {"timeRange": {"start": 1772323200000}, "followerGains": {"organicFollowerGain": 1.5}},
            "followerGains.organicFollowerGain: expected an integer",
        ),
        ({"timeRange": [1772323200000]}, "timeRange: expected a JSON object"),
    ],
)
def test_bad_follower_statistics_are_rejected_with_the_field_named(element, reason):
    rows, rejects = parse("linkedin", "follower_statistics", {"elements": [element]})
    assert rows == [] and rejects[0].startswith(reason)


def test_net_follower_loss_is_kept_as_a_negative_gain():
    element = {
        "timeRange": {"start": 1772323200000, "end": 1772409600000},
        "followerGains": {"organicFollowerGain": -2, "paidFollowerGain": 0},
    }
    rows, rejects = parse("linkedin", "follower_statistics", {"elements": [element]})
    assert rejects == [] and rows[0]["organic_follower_gain"] == -2
