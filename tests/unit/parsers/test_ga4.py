"""GA4 parser: the landing contract's runReport page, a real recorded runReport response (SOURCES.md),
values read by header name, `keyEvents` or legacy `conversions`, `(not set)`, and bad input."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from pipelines.ingest.parse import ingest_files
from pipelines.parsers import ga4, parse_capture
from pipelines.parsers.base import Capture, Rejected
from pipelines.schemas import dataset_for
from tests.unit.parsers.fixture_kit import real_json, utc

PROPERTY = "properties/312000001"
BRAND_PROPERTIES = {PROPERTY: "Europe/Kyiv"}
DATASET = dataset_for("ga4", "traffic")
REQUEST = {
    "dateRanges": [{"startDate": "2026-03-01", "endDate": "2026-03-01"}],
    "limit": 10000,
    "offset": 0,
}
# The landing contract's example page, completed with a second row.
CONTRACT_PAGE: dict[str, Any] = {
    "dimensionHeaders": [
        {"name": "date"},
        {"name": "sessionSource"},
        {"name": "sessionMedium"},
        {"name": "sessionCampaignName"},
        {"name": "sessionManualAdContent"},
        {"name": "landingPagePlusQueryString"},
    ],
    "metricHeaders": [
        {"name": "sessions", "type": "TYPE_INTEGER"},
        {"name": "engagedSessions", "type": "TYPE_INTEGER"},
        {"name": "keyEvents", "type": "TYPE_INTEGER"},
        {"name": "totalRevenue", "type": "TYPE_CURRENCY"},
        {"name": "newUsers", "type": "TYPE_INTEGER"},
    ],
    "rows": [
        {
            "dimensionValues": [
                {"value": "20260301"},
                {"value": "l.facebook.com"},
                {"value": "referral"},
                {"value": "(not set)"},
                {"value": "(not set)"},
                {"value": "/menu?utm_source=facebook"},
            ],
            "metricValues": [
                {"value": "42"},
                {"value": "31"},
                {"value": "3"},
                {"value": "1250.5"},
                {"value": "17"},
            ],
        },
        {
            "dimensionValues": [
                {"value": "20260301"},
                {"value": "ig"},
                {"value": "social"},
                {"value": "spring_menu"},
                {"value": "17900000000000001"},
                {"value": "/spring?utm_source=ig&utm_content=17900000000000001"},
            ],
            "metricValues": [
                {"value": "9"},
                {"value": "6"},
                {"value": "1"},
                {"value": "180"},
                {"value": "5"},
            ],
        },
    ],
    "rowCount": 2,
    "metadata": {"currencyCode": "UAH", "timeZone": "Europe/Kyiv"},
    "kind": "analyticsData#runReport",
}
FIRST_ROW = {
    "property_id": PROPERTY,
    "report_date": date(2026, 3, 1),
    "session_source": "l.facebook.com",
    "session_medium": "referral",
    "session_campaign_name": None,
    "session_manual_ad_content": None,
    "landing_page": "/menu?utm_source=facebook",
    "sessions": 42,
    "engaged_sessions": 31,
    "key_events": 3.0,
    "total_revenue": 1250.5,
    "new_users": 17,
    "currency_code": "UAH",
    "property_time_zone": "Europe/Kyiv",
}


def capture(
    response: Any,
    *,
    params: dict[str, Any] | None = None,
    properties: dict[str, str] | None = None,
    object_id: str = PROPERTY,
) -> Capture:
    return Capture(
        fetched_at=utc(2026, 3, 2, 6),
        account_id=object_id,
        object_id=object_id,
        endpoint="/v1beta/{property}:runReport",
        response=response,
        owner_timezones=BRAND_PROPERTIES if properties is None else properties,
        params=REQUEST if params is None else params,
    )


def parse(response: Any, **kwargs: Any) -> tuple[list[dict[str, Any]], list[str]]:
    assert DATASET is not None
    rows, rejects = parse_capture(DATASET, capture(response, **kwargs))
    for row in rows:
        assert list(row) == list(DATASET.columns)
    return rows, rejects


def _reordered(page: dict[str, Any], dims: list[int], metrics: list[int]) -> dict[str, Any]:
    """The same report with its columns in another order (headers and every row's values alike)."""
    out = copy.deepcopy(page)
    out["dimensionHeaders"] = [page["dimensionHeaders"][i] for i in dims]
    out["metricHeaders"] = [page["metricHeaders"][i] for i in metrics]
    for row, original in zip(out["rows"], page["rows"], strict=True):
        row["dimensionValues"] = [original["dimensionValues"][i] for i in dims]
        row["metricValues"] = [original["metricValues"][i] for i in metrics]
    return out


def test_contract_page_reads_values_by_header_and_not_set_is_null() -> None:
    rows, rejects = parse(CONTRACT_PAGE)
    assert rejects == []
    assert rows[0] == FIRST_ROW
    assert rows[1]["session_campaign_name"] == "spring_menu"
    assert rows[1]["session_manual_ad_content"] == "17900000000000001"


def test_headers_in_another_order_give_the_same_rows() -> None:
    shuffled = _reordered(CONTRACT_PAGE, [5, 3, 0, 4, 2, 1], [3, 4, 0, 2, 1])
    assert parse(shuffled) == parse(CONTRACT_PAGE)


def test_legacy_conversions_metric_is_read_as_key_events() -> None:
    legacy = copy.deepcopy(CONTRACT_PAGE)
    legacy["metricHeaders"][2] = {"name": "conversions", "type": "TYPE_INTEGER"}
    rows, rejects = parse(legacy)
    assert rejects == [] and rows[0]["key_events"] == 3.0


def test_a_page_without_rows_is_an_empty_page() -> None:
    empty = {k: v for k, v in CONTRACT_PAGE.items() if k != "rows"}
    assert parse(empty) == ([], [])


def test_real_page_without_rows_parses_as_an_empty_page() -> None:
    """A real recorded runReport page that has headers and rowCount but no `rows` key."""
    real = real_json("ga4", "ecommerce_raport__run_report_without_rows.json")
    assert "rows" not in real and real["kind"] == "analyticsData#runReport"
    assert parse(real) == ([], [])


def test_real_report_is_read_by_header_name_and_refused_for_lacking_the_traffic_dimensions() -> None:
    """A real recorded page (date × eventName, eventCount): the header-name reader places its values;
    as a ga4/traffic capture it lacks the requested dimensions and metrics, and says which."""
    real = real_json("ga4", "ecommerce_raport__run_report_date_event_p1.json")
    named = ga4.named_rows(real)
    assert len(named) == len(real["rows"]) < real["rowCount"]  # a first page of a paged report
    assert named[0] == {"date": "20240614", "eventName": "page_view", "eventCount": "266"}
    assert {"date": "20240614", "eventName": "purchase", "eventCount": "2"} in named
    with pytest.raises(Rejected, match=r"report headers lack sessionSource, .*totalRevenue"):
        parse(real)


def test_a_metric_missing_from_one_page_refuses_that_page() -> None:
    page = copy.deepcopy(CONTRACT_PAGE)
    del page["metricHeaders"][3]
    for row in page["rows"]:
        del row["metricValues"][3]
    with pytest.raises(Rejected, match="lack totalRevenue"):
        parse(page)
    no_key_events = copy.deepcopy(CONTRACT_PAGE)
    no_key_events["metricHeaders"][2] = {"name": "eventCount", "type": "TYPE_INTEGER"}
    with pytest.raises(Rejected, match="neither keyEvents nor conversions"):
        parse(no_key_events)


def test_non_numeric_values_and_short_rows_reject_only_their_row() -> None:
    page = copy.deepcopy(CONTRACT_PAGE)
    page["rows"][1]["metricValues"][0] = {"value": "n/a"}
    rows, rejects = parse(page)
    assert rows == [FIRST_ROW]
    assert rejects == ["sessions: expected an integer, got string 'n/a'"]
    page["rows"][1]["dimensionValues"].pop()
    rows, rejects = parse(page)
    assert rows == [FIRST_ROW] and rejects == ["rows[1].dimensionValues: 5 values for 6 headers"]


def test_a_date_outside_the_requested_range_is_rejected() -> None:
    page = copy.deepcopy(CONTRACT_PAGE)
    page["rows"][1]["dimensionValues"][0] = {"value": "20260305"}
    rows, rejects = parse(page)
    assert rows == [FIRST_ROW]
    assert rejects == ["date 2026-03-05 outside the requested range 2026-03-01..2026-03-01"]
    # Relative dates count back from the capture's date in the property's time zone (2026-03-02).
    rows, rejects = parse(page, params={"dateRanges": [{"startDate": "3daysAgo", "endDate": "yesterday"}]})
    assert [r["report_date"] for r in rows] == [date(2026, 3, 1)] and len(rejects) == 1


def test_a_property_not_in_brands_yml_is_refused() -> None:
    with pytest.raises(Rejected, match=r"property properties/999 is not listed in brands\.yml"):
        parse(CONTRACT_PAGE, object_id="properties/999")
    with pytest.raises(Rejected, match=r"not listed in brands\.yml"):
        parse(CONTRACT_PAGE, properties={})


def test_google_error_body_and_repeated_header_refuse_the_capture() -> None:
    error = {"error": {"code": 429, "message": "Exhausted property tokens", "status": "RESOURCE_EXHAUSTED"}}
    with pytest.raises(Rejected, match="429 RESOURCE_EXHAUSTED Exhausted property tokens"):
        parse(error)
    twice = copy.deepcopy(CONTRACT_PAGE)
    twice["dimensionHeaders"][1] = {"name": "date"}
    with pytest.raises(Rejected, match="'date' appears twice"):
        parse(twice)


def test_ingest_quarantines_bad_pages_and_counts_reconcile(tmp_path) -> None:
    """A capture file with a good page, a bad row and a page missing a metric, through the ingest."""
    assert DATASET is not None
    bad_row = copy.deepcopy(CONTRACT_PAGE)
    bad_row["rows"][0]["metricValues"][1] = {"value": "-4"}
    no_metric = copy.deepcopy(CONTRACT_PAGE)
    no_metric["metricHeaders"].pop()
    for row in no_metric["rows"]:
        row["metricValues"].pop()
    folder = tmp_path / "ga4" / "traffic"
    folder.mkdir(parents=True)
    lines = [
        {
            "fetched_at": f"2026-03-02T06:00:0{i}Z",
            "account_id": PROPERTY,
            "endpoint": "/v1beta/properties/312000001:runReport",
            "object_id": PROPERTY,
            "params": {**REQUEST, "offset": i},
            "response": page,
        }
        for i, page in enumerate([CONTRACT_PAGE, bad_row, no_metric])
    ]
    path = folder / "20260302T060000Z_properties-312000001_r1.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = ingest_files(DATASET, [path], tmp_path, BRAND_PROPERTIES)
    assert result.stats.reconciles
    assert (result.stats.records_read, result.stats.rows_loaded) == (5, 3)
    assert sorted(result.quarantine["reason"].to_list()) == [
        "engagedSessions: negative count -4",
        "report headers lack newUsers (the ga4/traffic report requests them)",
    ]
    assert sorted(result.quarantine["line"].to_list()) == [2, 3]


def test_a_nonsense_time_zone_does_not_break_relative_date_ranges() -> None:
    """metadata.timeZone is the API's text: a broken one (even one too long for a file name) leaves
    relative ranges counted from the capture's UTC date instead of raising."""
    page = copy.deepcopy(CONTRACT_PAGE)
    page["metadata"]["timeZone"] = "Europe/" + "x" * 300
    rows, rejects = parse(page, params={"dateRanges": [{"startDate": "yesterday", "endDate": "today"}]})
    assert rejects == [] and len(rows) == 2 and rows[0]["property_time_zone"] == page["metadata"]["timeZone"]
