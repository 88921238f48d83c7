"""What Facebook Pages and Instagram share: Meta's Graph API envelope, errors and insights.

Both platforms answer with the same Graph API conventions: an edge is `{"data": [...], "paging": …}`,
an error is `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`, and an insights
edge lists metrics as `{"name", "period", "values": [{"value", "end_time"}], "id"}` (Instagram's newer
metrics may carry `total_value: {"value", "breakdowns"}` instead of, or besides, `values`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.parsers.base import (
    Capture,
    Rejected,
    dig,
    expect_dict,
    expect_list,
    to_float,
    to_str,
    to_ts,
    type_name,
)


def graph_error(response: Any) -> str | None:
    """The error a Graph API body carries (code and message), or why the body is not a response at all."""
    if not isinstance(response, dict):
        return f"response is a JSON {type_name(response)}, not an object"
    error = response.get("error")
    if error is None:
        return None
    if not isinstance(error, dict):
        return f"error: {str(error)[:200]}"
    code = error.get("code")
    subcode = error.get("error_subcode")
    kind = error.get("type")
    parts = [f"code {code}" if code is not None else "no code"]
    if subcode is not None:
        parts.append(f"subcode {subcode}")
    if kind:
        parts.append(str(kind))
    return f"{', '.join(parts)}: {str(error.get('message') or 'no message')[:300]}"


def edge_data(capture: Capture) -> list[Any]:
    """The records of an edge (`/{id}/posts`, `/{id}/comments`, `/{id}/insights`): `data[]`.

    An empty edge is `{"data": []}`; a body with no `data` at all is not an edge response (a single
    object landed in the wrong folder, a reshaped body) and is rejected as a whole.
    """
    response = expect_dict(capture.response, "response")
    if "data" not in response:
        raise Rejected('data: missing; an edge response is {"data": [...]}')
    return expect_list(response["data"], "data")


@dataclass(frozen=True)
class MetricValue:
    """One value of one insights metric: the grain of every insights dataset."""

    metric: Any  # the metric object from data[] (name, period, id)
    entry: Any  # one element of values[], or total_value


def insight_records(capture: Capture) -> list[MetricValue]:
    """One record per (metric, value): each element of `values[]`, or the one `total_value`.

    When a metric has `total_value`, that is its value (Instagram's v18+ form, where `values` is
    absent or repeats it): taking both would give the same metric twice with no end_time.
    """
    records: list[MetricValue] = []
    for metric in edge_data(capture):
        if not isinstance(metric, dict):
            records.append(MetricValue(metric, None))  # rejected by the row, with the reason
            continue
        total = metric.get("total_value")
        if total is not None:
            records.append(MetricValue(metric, total))
            continue
        values = metric.get("values")
        if values is None:
            continue  # a metric the platform listed without values: nothing to record
        for entry in expect_list(values, f"data[{metric.get('name')}].values"):
            records.append(MetricValue(metric, entry))
    return records


def metric_value_columns(record: MetricValue) -> dict[str, Any]:
    """metric_name, period, value, end_time of one insights value.

    A value that is an object (a breakdown by type, e.g. `page_fans_country`) is not a number:
    it is rejected with the metric named rather than flattened into one arbitrary figure.
    """
    metric = expect_dict(record.metric, "data[]")
    name = to_str(metric.get("name"), "name")
    if not name:
        raise Rejected("name: missing")
    entry = expect_dict(record.entry, f"{name}.values[]")
    value = entry.get("value")
    if isinstance(value, dict | list):
        raise Rejected(f"{name}.value: a breakdown {type_name(value)}, not a number")
    return {
        "metric_name": name,
        "period": to_str(metric.get("period"), f"{name}.period"),
        "value": to_float(value, f"{name}.value"),
        "end_time": to_ts(entry.get("end_time"), f"{name}.end_time"),
    }


def insight_object_id(record: MetricValue, capture: Capture, *, fallback_to_account: bool) -> str | None:
    """Whose insight this is: the capture's object, else the `{object}/insights/...` id prefix.

    Account-level insights (page, IG user) may fall back to the capture's account.
    """
    if capture.object_id:
        return capture.object_id
    metric_id = dig(record.metric, "id") if isinstance(record.metric, dict) else None
    if isinstance(metric_id, str) and "/insights" in metric_id:
        prefix = metric_id.split("/insights", 1)[0]
        if prefix:
            return prefix
    return capture.account_id if fallback_to_account else None
