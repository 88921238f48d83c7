"""GA4: Google Analytics Data API `runReport` pages (site sessions, key events and revenue by source).

A report is a table whose columns are named by `dimensionHeaders` and `metricHeaders`; each row's
`dimensionValues` and `metricValues` follow those headers' order. Values are always strings. Every
value is read by its header's name, so a report whose columns come in another order parses the same.

What makes a whole page unusable (quarantined as one record): a required dimension or metric missing
from its headers, the same header twice, no property id in the envelope, or a property that brands.yml
does not list (`accounts.ga4`). What rejects one row: a value count that differs from the headers, a
non-numeric or negative count, an unparseable date, or a date outside the requested `dateRanges`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    expect_list,
    list_at,
    to_count,
    to_date_yyyymmdd,
    to_float,
    to_str,
    type_name,
)

# The report's dimensions (landing contract) → lake column.
DIMENSIONS = {
    "date": "report_date",
    "sessionSource": "session_source",
    "sessionMedium": "session_medium",
    "sessionCampaignName": "session_campaign_name",
    "sessionManualAdContent": "session_manual_ad_content",
    "landingPagePlusQueryString": "landing_page",
}
COUNT_METRICS = {"sessions": "sessions", "engagedSessions": "engaged_sessions", "newUsers": "new_users"}
# GA4 renamed `conversions` to `keyEvents` in 2024; older captures carry the old name.
KEY_EVENT_METRICS = ("keyEvents", "conversions")
REVENUE_METRIC = "totalRevenue"
UNKNOWN = "(not set)"
# The ingest passes brands.yml's GA4 properties (property id → the owning brand's time zone) in
# `Capture.owner_timezones`: a capture of a property that no brand lists is refused.
LOCAL_TIME_ENTITIES = ("traffic",)


def error_of(response: Any) -> str | None:
    """Google's error body `{"error": {"code", "message", "status"}}`; a non-object body is an error too."""
    if not isinstance(response, dict):
        return f"response is not a JSON object (got {type_name(response)})"
    error = response.get("error")
    if error is None:
        return None
    if isinstance(error, dict):
        parts = [
            str(error.get("code") or ""),
            str(error.get("status") or ""),
            str(error.get("message") or ""),
        ]
        return " ".join(p for p in parts if p) or "error"
    return str(error)[:200]


@dataclass(frozen=True)
class _Page:
    """What every row of one report page shares."""

    property_id: str
    key_event_metric: str
    currency_code: str | None
    time_zone: str | None
    ranges: tuple[tuple[date, date], ...]


def header_names(response: Any, field: str) -> list[str]:
    """The column names of `dimensionHeaders` or `metricHeaders`, in order; a repeated name is refused."""
    names = []
    for i, header in enumerate(list_at(response, field)):
        name = to_str(expect_dict(header, f"{field}[{i}]").get("name"), f"{field}[{i}].name")
        if not name:
            raise Rejected(f"{field}[{i}].name: missing")
        if name in names:
            raise Rejected(f"{field}: {name!r} appears twice")
        names.append(name)
    return names


def named_rows(response: Any) -> list[dict[str, str | None]]:
    """Every row of a runReport page as header name → string value (any report, any header order).

    A row whose value count differs from its headers' is refused: values cannot be placed by name.
    """
    dimensions = header_names(response, "dimensionHeaders")
    metrics = header_names(response, "metricHeaders")
    return [named_row(row, i, dimensions, metrics) for i, row in enumerate(list_at(response, "rows"))]


def named_row(row: Any, i: int, dimensions: list[str], metrics: list[str]) -> dict[str, str | None]:
    """Row `i` of a runReport page as header name → string value, given the page's header names."""
    row = expect_dict(row, f"rows[{i}]")
    named: dict[str, str | None] = {}
    for field, names in (("dimensionValues", dimensions), ("metricValues", metrics)):
        values = expect_list(row.get(field) or [], f"rows[{i}].{field}")
        if len(values) != len(names):
            raise Rejected(f"rows[{i}].{field}: {len(values)} values for {len(names)} headers")
        for name, value in zip(names, values, strict=True):
            named[name] = to_str(expect_dict(value, f"rows[{i}].{field}[]").get("value"), name)
    return named


def _date_ranges(
    params: Mapping[str, Any], fetched: datetime, time_zone: str | None
) -> tuple[tuple[date, date], ...]:
    """The request's `dateRanges` as dates; relative dates (`today`, `NdaysAgo`) count back from the
    capture's date in the property's time zone. No `dateRanges` recorded: nothing to check against."""
    ranges = params.get("dateRanges")
    if ranges is None:
        return ()
    try:
        zone = ZoneInfo(time_zone) if time_zone else None
    except (ZoneInfoNotFoundError, ValueError, OSError):  # not a zone name (OSError: absurdly long)
        zone = None
    today = fetched.astimezone(zone).date() if zone else fetched.date()
    result = []
    for i, item in enumerate(expect_list(ranges, "params.dateRanges")):
        item = expect_dict(item, f"params.dateRanges[{i}]")
        bounds = [
            _request_date(item.get(k), f"params.dateRanges[{i}].{k}", today) for k in ("startDate", "endDate")
        ]
        result.append((bounds[0], bounds[1]))
    return tuple(result)


def _request_date(value: Any, field: str, today: date) -> date:
    text = to_str(value, field)
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text and text.endswith("daysAgo") and text[: -len("daysAgo")].isdigit():
        return today - timedelta(days=int(text[: -len("daysAgo")]))
    parsed = to_date_yyyymmdd(text, field)
    if parsed is None:
        raise Rejected(f"{field}: missing")
    return parsed


def _page(capture: Capture, metrics: list[str]) -> _Page:
    property_id = capture.object_id or capture.account_id
    if not property_id:
        raise Rejected("envelope: object_id (the GA4 property, e.g. properties/312000001) missing")
    if property_id not in capture.owner_timezones:
        raise Rejected(f"property {property_id} is not listed in brands.yml (a brand's accounts.ga4)")
    key_event = next((m for m in KEY_EVENT_METRICS if m in metrics), None)
    if key_event is None:
        raise Rejected("metricHeaders: neither keyEvents nor conversions (key events) was reported")
    metadata = dig(capture.response, "metadata")
    currency = to_str(
        dig(metadata, "currencyCode") if isinstance(metadata, dict) else None, "metadata.currencyCode"
    )
    time_zone = to_str(dig(metadata, "timeZone") if isinstance(metadata, dict) else None, "metadata.timeZone")
    return _Page(
        property_id=property_id,
        key_event_metric=key_event,
        currency_code=currency or None,
        time_zone=time_zone or None,
        ranges=_date_ranges(capture.params, capture.fetched_at, time_zone),
    )


def _traffic(capture: Capture) -> list[tuple[dict[str, str | None], _Page] | Rejected]:
    """The page's rows with what they share; a page without `rows` is an empty page."""
    response = capture.response
    if not list_at(response, "rows"):
        return []
    dimensions = header_names(response, "dimensionHeaders")
    metrics = header_names(response, "metricHeaders")
    missing = [d for d in DIMENSIONS if d not in dimensions]
    missing += [m for m in (*COUNT_METRICS, REVENUE_METRIC) if m not in metrics]
    if missing:
        raise Rejected(f"report headers lack {', '.join(missing)} (the ga4/traffic report requests them)")
    page = _page(capture, metrics)
    records: list[tuple[dict[str, str | None], _Page] | Rejected] = []
    for i, row in enumerate(list_at(response, "rows")):
        # One malformed row must not cost the page's other rows: it becomes that row's rejection.
        try:
            named = named_row(row, i, dimensions, metrics)
        except Rejected as exc:
            records.append(exc)
            continue
        records.append((named, page))
    return records


def _dimension(value: str | None) -> str | None:
    """GA4 says `(not set)` for an unknown value: NULL in the lake."""
    return None if value in (None, "", UNKNOWN) else value


def _traffic_row(record: Any, capture: Capture) -> dict[str, Any]:
    """One date × source × medium × campaign × ad content × landing page of one property."""
    if isinstance(record, Rejected):
        raise record
    named, page = record
    report_date = to_date_yyyymmdd(named["date"], "date")
    if report_date is None:
        raise Rejected("date: missing")
    if page.ranges and not any(start <= report_date <= end for start, end in page.ranges):
        requested = ", ".join(f"{s}..{e}" for s, e in page.ranges)
        raise Rejected(f"date {report_date} outside the requested range {requested}")
    key_events = to_float(named[page.key_event_metric], page.key_event_metric)
    if key_events is not None and key_events < 0:
        raise Rejected(f"{page.key_event_metric}: negative count {key_events}")
    return {
        "property_id": page.property_id,
        "report_date": report_date,
        **{column: _dimension(named[name]) for name, column in DIMENSIONS.items() if name != "date"},
        **{
            column: to_count(named[name], name)
            for name, column in COUNT_METRICS.items()
            if column != "new_users"
        },
        "key_events": key_events,
        # Revenue may be negative (refunds), so it is a number, not a count.
        "total_revenue": to_float(named[REVENUE_METRIC], REVENUE_METRIC),
        "new_users": to_count(named["newUsers"], "newUsers"),
        "currency_code": page.currency_code,
        "property_time_zone": page.time_zone,
    }


PARSERS: dict[str, EntityParser] = {
    "traffic": EntityParser(records=_traffic, row=_traffic_row),
}
