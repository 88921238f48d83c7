"""The report's charts: Vega-Lite specs built with altair, rendered to SVG offline by vl-convert.

Each builder takes a report table and returns the chart and the long-form frame it plots (written as
the chart's CSV, so every plotted number is available). The SVG is inlined in the HTML; its XML
namespace attributes are dropped (inline SVG in HTML needs none) so the page names no URL at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import altair as alt
import polars as pl
import vl_convert

OWN_COLOR = "#d9480f"
OTHER_COLORS = ["#1c7ed6", "#37b24d", "#7048e8", "#f59f00", "#0ca678", "#ae3ec9", "#868e96"]
SENTIMENT_COLORS = {"positive": "#37b24d", "neutral": "#adb5bd", "negative": "#e03131"}
WIDTH = 640
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class ChartData:
    chart: alt.TopLevelMixin
    data: pl.DataFrame  # exactly the rows the chart plots


def _values(frame: pl.DataFrame) -> alt.Data:
    """Inline data (no URL): dates as ISO strings, everything else as is."""
    rows = frame.with_columns(pl.col(pl.Date).cast(pl.String)).to_dicts()
    return alt.Data(values=rows)


def _brand_colors(brands: list[str], own: str) -> alt.Scale:
    others = iter(OTHER_COLORS * (len(brands) // len(OTHER_COLORS) + 1))
    return alt.Scale(domain=brands, range=[OWN_COLOR if b == own else next(others) for b in brands])


def render_svg(chart: alt.TopLevelMixin) -> str:
    """SVG markup for inlining in HTML (vl-convert bundles Vega: no network, no browser)."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=2)


def follower_change_by_platform(table: pl.DataFrame) -> ChartData:
    data = table.select(
        "platform",
        pl.col("net_follower_change").alias("this period"),
        pl.col("net_follower_change_previous").alias("previous period"),
    ).unpivot(index="platform", variable_name="period", value_name="net_follower_change")
    chart = (
        alt.Chart(_values(data))
        .mark_bar()
        .encode(
            x=alt.X("platform:N", title=None, sort=table["platform"].to_list(), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("period:N", sort=["previous period", "this period"]),
            y=alt.Y("net_follower_change:Q", title="net follower change"),
            color=alt.Color(
                "period:N",
                sort=["previous period", "this period"],
                scale=alt.Scale(range=["#adb5bd", OWN_COLOR]),
                title=None,
            ),
        )
        .properties(width=WIDTH, height=220)
    )
    return ChartData(chart, data)


def growth_vs_competitors(table: pl.DataFrame, own: str) -> ChartData:
    data = table.select("brand_id", "follower_growth_rate")
    brands = data["brand_id"].to_list()
    chart = (
        alt.Chart(_values(data))
        .mark_bar()
        .encode(
            y=alt.Y("brand_id:N", title=None, sort=brands),
            x=alt.X(
                "follower_growth_rate:Q", title="follower growth in the period", axis=alt.Axis(format=".2%")
            ),
            color=alt.Color("brand_id:N", scale=_brand_colors(brands, own), legend=None),
        )
        .properties(width=WIDTH, height=28 * len(brands))
    )
    return ChartData(chart, data)


def engagement_rate_by_platform(table: pl.DataFrame, own: str) -> ChartData:
    data = table.select("platform", "brand_id", "engagement_rate_by_followers")
    brands = list(dict.fromkeys(data["brand_id"].to_list()))
    chart = (
        alt.Chart(_values(data))
        .mark_bar()
        .encode(
            x=alt.X("platform:N", title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("brand_id:N", sort=brands),
            y=alt.Y("engagement_rate_by_followers:Q", title="ER by followers", axis=alt.Axis(format=".2%")),
            color=alt.Color("brand_id:N", scale=_brand_colors(brands, own), title="brand"),
        )
        .properties(width=WIDTH, height=240)
    )
    return ChartData(chart, data)


def content_types(table: pl.DataFrame) -> ChartData:
    data = table.select(
        pl.concat_str("platform", pl.lit(" · "), "content_type").alias("format"),
        "posts",
        "engagements_per_post",
    )
    chart = (
        alt.Chart(_values(data))
        .mark_bar(color=OWN_COLOR)
        .encode(
            y=alt.Y("format:N", title=None, sort="-x"),
            x=alt.X("engagements_per_post:Q", title="engagements per post"),
        )
        .properties(width=WIDTH - 120, height=22 * data.height)
    )
    return ChartData(chart, data)


def posting_hours(table: pl.DataFrame) -> ChartData:
    data = table.select("weekday_name", "hour", "posts", "engagements_per_post")
    chart = (
        alt.Chart(_values(data))
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="local hour of publication", scale=alt.Scale(domain=list(range(24)))),
            y=alt.Y("weekday_name:N", title=None, sort=WEEKDAYS, scale=alt.Scale(domain=WEEKDAYS)),
            color=alt.Color(
                "engagements_per_post:Q", title="engagements per post", scale=alt.Scale(scheme="oranges")
            ),
        )
        .properties(width=WIDTH - 80, height=190)
    )
    return ChartData(chart, data)


def sov_trend(table: pl.DataFrame, own: str) -> ChartData:
    days = table["date"].n_unique()
    data = table.select("date", "brand_id", "sov_mentions")
    brands = list(dict.fromkeys(data["brand_id"].to_list()))
    chart = (
        alt.Chart(_values(data))
        .mark_line(point=True)
        .encode(
            x=alt.X("date:O", title=None, axis=alt.Axis(labelAngle=0 if days <= 14 else -45)),
            y=alt.Y("sov_mentions:Q", title="share of mentions", axis=alt.Axis(format=".0%")),
            color=alt.Color("brand_id:N", scale=_brand_colors(brands, own), title="brand"),
        )
        .properties(width=WIDTH, height=220)
    )
    return ChartData(chart, data)


def sentiment(table: pl.DataFrame) -> ChartData:
    data = table.select(
        "brand_id",
        pl.col("positive_mentions").alias("positive"),
        pl.col("neutral_mentions").alias("neutral"),
        pl.col("negative_mentions").alias("negative"),
    ).unpivot(index="brand_id", variable_name="sentiment", value_name="mentions")
    order = list(SENTIMENT_COLORS)
    chart = (
        alt.Chart(_values(data))
        .mark_bar()
        .transform_calculate(order=f"indexof({order!r}, datum.sentiment)")
        .encode(
            y=alt.Y("brand_id:N", title=None, sort=table["brand_id"].to_list()),
            x=alt.X("mentions:Q", title="mentions in the period"),
            color=alt.Color(
                "sentiment:N",
                sort=order,
                scale=alt.Scale(domain=order, range=list(SENTIMENT_COLORS.values())),
            ),
            order=alt.Order("order:Q"),
        )
        .properties(width=WIDTH - 80, height=28 * table.height)
    )
    return ChartData(chart, data)


def response_rates(table: pl.DataFrame) -> ChartData:
    data = table.select(
        "platform",
        pl.col("response_rate_business_hours").alias("in business hours"),
        pl.col("response_rate_outside_business_hours").alias("outside business hours"),
    ).unpivot(index="platform", variable_name="when", value_name="response_rate")
    chart = (
        alt.Chart(_values(data))
        .mark_bar()
        .encode(
            x=alt.X("platform:N", title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("when:N"),
            y=alt.Y("response_rate:Q", title="response rate", axis=alt.Axis(format=".0%")),
            color=alt.Color("when:N", scale=alt.Scale(range=[OWN_COLOR, "#1c7ed6"]), title=None),
        )
        .properties(width=WIDTH, height=220)
    )
    return ChartData(chart, data)


def goals(table: pl.DataFrame) -> ChartData:
    data = table.select(
        pl.concat_str("metric", pl.lit(" · "), "platform", pl.lit(" (to "), pl.col("end_date").cast(pl.String), pl.lit(")")).alias("goal"),
        pl.col("pct_of_target").alias("reached"),
        pl.col("projected_pct_of_target").alias("projected at end"),
    ).unpivot(index="goal", variable_name="measure", value_name="pct_of_target")  # fmt: skip
    bars = (
        alt.Chart(_values(data))
        .mark_bar()
        .encode(
            y=alt.Y("goal:N", title=None),
            yOffset=alt.YOffset("measure:N"),
            x=alt.X("pct_of_target:Q", title="share of target", axis=alt.Axis(format=".0%")),
            color=alt.Color("measure:N", scale=alt.Scale(range=["#adb5bd", OWN_COLOR]), title=None),
        )
    )
    target = alt.Chart(alt.Data(values=[{"target": 1.0}])).mark_rule(color="#212529").encode(x="target:Q")
    chart = alt.layer(bars, target).properties(width=WIDTH - 160, height=44 * table.height)
    return ChartData(chart, data)


def traffic_by_platform(table: pl.DataFrame) -> ChartData:
    data = table.select(
        "platform",
        pl.col("sessions").alias("this period"),
        pl.col("sessions_previous").alias("previous period"),
    ).unpivot(index="platform", variable_name="period", value_name="sessions")
    chart = (
        alt.Chart(_values(data))
        .mark_bar()
        .encode(
            x=alt.X("platform:N", title=None, sort=table["platform"].to_list(), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("period:N", sort=["previous period", "this period"]),
            y=alt.Y("sessions:Q", title="sessions from social"),
            color=alt.Color(
                "period:N",
                sort=["previous period", "this period"],
                scale=alt.Scale(range=["#adb5bd", OWN_COLOR]),
                title=None,
            ),
        )
        .properties(width=WIDTH, height=220)
    )
    return ChartData(chart, data)
