"""What the report says, section by section (domain.md, "Reports"): tables from report_data, charts
from report_charts, and a "no data" note wherever the period has nothing to show."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from pipelines.reports import report_charts as charts
from pipelines.reports import report_data as data
from pipelines.reports.report_html import Chart, Note, Section, Table
from pipelines.reports.report_scope import ReportScope


def _no_data(scope: ReportScope, what: str) -> Note:
    return Note(f"No data: {what} in {scope.period.label()}.")


def _absent(table: str) -> Note:
    return Note(f"No data: this publication has no marts.{table} (the pipeline has not built it yet).")


def _chart(name: str, title: str, built: charts.ChartData) -> Chart:
    return Chart(name, title, charts.render_svg(built.chart), built.data)


def _when(frame: pl.DataFrame, blocks: Callable[[], list], empty: Note) -> list:
    """The blocks for a frame with rows, else the note."""
    return blocks() if frame.height else [empty]


def _has_values(frame: pl.DataFrame, column: str) -> bool:
    return frame.height > 0 and frame[column].drop_nulls().len() > 0


def overview(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> Section:
    frame = data.headline(con, scope)
    section = Section(
        "overview",
        "At a glance",
        f"{scope.brand_name} in {scope.period.label()} against the previous {scope.period.kind} "
        f"({scope.period.previous_label()}). Rates are ratios of the period's sums.",
    )
    if frame["current"].drop_nulls().len() == 0:
        section.blocks.append(_no_data(scope, f"nothing was recorded for {scope.brand_id}"))
    else:
        section.blocks.append(Table("headline", "Key figures", frame, headline=True))
    return section


def community(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> Section:
    by_platform = data.community_by_platform(con, scope)
    versus = data.community_vs_competitors(con, scope)
    section = Section(
        "community",
        "Community",
        "Followers at the end of the period (each account's last count in it), the net change over the "
        "period, the platforms' own gained/lost series where they report one, and growth = net change / "
        "followers at the start.",
    )
    section.blocks += _when(
        by_platform,
        lambda: [
            _chart(
                "follower-change",
                "Net follower change by platform",
                charts.follower_change_by_platform(by_platform),
            ),
            Table("community_by_platform", "Followers by platform", by_platform),
        ],
        _no_data(scope, f"no follower counts of {scope.brand_id}"),
    )
    section.blocks += _when(
        versus.filter(pl.col("follower_growth_rate").is_not_null()),
        lambda: [
            _chart(
                "growth-vs-competitors",
                f"Follower growth against the competitor set {scope.competitor_set_id or '(none)'}",
                charts.growth_vs_competitors(versus, scope.brand_id),
            ),
            Table("community_vs_competitors", "Brand platforms of the set (all accounts)", versus),
        ],
        _no_data(scope, "no follower growth for the brands of the set"),
    )
    return section


def engagement(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> Section:
    by_platform = data.engagement_by_platform(con, scope)
    posts = data.top_posts(con, scope)
    formats = data.content_types(con, scope)
    hours = data.posting_hours(con, scope)
    section = Section(
        "engagement",
        "Engagement",
        "ER by followers = the period's engagements (likes + comments + shares + saves) / the summed "
        "daily followers of the same account-days (the ratio of sums of the daily ER). Posts: lifetime "
        "figures at the latest snapshot of the posts published in the period.",
    )
    section.blocks += _when(
        by_platform.filter(pl.col("engagement_rate_by_followers").is_not_null()),
        lambda: [
            _chart(
                "engagement-rate",
                "ER by platform: the brand and its competitors",
                charts.engagement_rate_by_platform(by_platform, scope.brand_id),
            ),
            Table("engagement_by_platform", "Engagement by platform and brand", by_platform),
        ],
        _no_data(scope, "no engagement of the brand or its competitors"),
    )
    section.blocks += _when(
        posts,
        lambda: [Table("top_posts", f"Top {data.TOP_POSTS} posts by engagements", posts, hidden=("url",))],
        _no_data(scope, f"no posts published by {scope.brand_id}"),
    )
    section.blocks += _when(
        formats,
        lambda: [
            _chart("content-types", "Engagements per post by content type", charts.content_types(formats)),
            Table("content_types", "Content types", formats),
        ],
        _no_data(scope, "no content types (no posts)"),
    )
    section.blocks += _when(
        hours,
        lambda: [
            _chart(
                "posting-hours",
                f"Engagements per post by local weekday and hour ({scope.timezone})",
                charts.posting_hours(hours),
            )
        ],
        _no_data(scope, "no posting times (no posts)"),
    )
    return section


def share_of_voice(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> Section:
    by_brand = data.sov_by_brand(con, scope) if scope.competitor_set_id else pl.DataFrame()
    daily = data.sov_daily(con, scope) if scope.competitor_set_id else pl.DataFrame()
    mentions = data.top_mentions(con, scope)
    found = data.alerts(con, scope)
    section = Section(
        "share-of-voice",
        "Share of voice",
        f"Mentions of the brands of the competitor set {scope.competitor_set_id or '(none)'}, all "
        "platforms together; shares are the brand's sum over the set's sum for the period. Net sentiment "
        "= (positive - negative) / (positive + negative).",
    )
    if scope.competitor_set_id is None:
        section.blocks.append(Note(f"No data: {scope.brand_id} is in no competitor set with mentions."))
    else:
        section.blocks += _when(
            daily,
            lambda: [
                _chart("sov-trend", "Daily share of mentions", charts.sov_trend(daily, scope.brand_id)),
                _chart("sentiment", "Sentiment of the mentions", charts.sentiment(by_brand)),
                Table("sov_by_brand", "Share of voice by brand", by_brand),
            ],
            _no_data(scope, f"no mentions of the set {scope.competitor_set_id}"),
        )
    if mentions is None:
        section.blocks.append(_absent("fct_mentions"))
    else:
        section.blocks += _when(
            mentions,
            lambda: [
                Table(
                    "top_mentions",
                    f"Most engaging mentions of {scope.brand_id}",
                    mentions,
                    hidden=("mention_id",),
                )
            ],
            _no_data(scope, f"no mentions of {scope.brand_id}"),
        )
    if found is None:
        section.blocks.append(_absent("fct_alerts"))
    else:
        section.blocks += _when(
            found,
            lambda: [
                Table("alerts", "Alerts (negative waves, spikes, drops, slumps)", found, hidden=("alert_id",))
            ],
            Note(f"No alerts for {scope.brand_id} in {scope.period.label()}.", kind="caveat"),
        )
    return section


def responsiveness(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> Section:
    frame = data.response_by_platform(con, scope)
    section = Section(
        "responsiveness",
        "Responsiveness",
        "Comments and mentions addressed to the brand's own accounts and the share answered, inside and "
        "outside the brand's business hours (by the inbound item's time).",
    )
    section.blocks += _when(
        frame,
        lambda: [
            _chart(
                "response-rates", "Response rate in and outside business hours", charts.response_rates(frame)
            ),
            Table("response_by_platform", "Responsiveness by platform", frame),
            Note(
                "First-response times: the marts keep one median per account and day (overall and in "
                "business hours), so the period's figure is the median of those daily medians; a median "
                "outside business hours is not in the marts.",
                kind="caveat",
            ),
        ],
        _no_data(scope, f"no inbound comments or mentions for {scope.brand_id}"),
    )
    return section


def goals(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> Section:
    frame = data.goals(con, scope)
    section = Section(
        "goals",
        "Goals",
        "Goals whose window overlaps the period, as of the latest data in the warehouse: reached = actual / "
        "target; projected = the run-rate projection at the goal's end.",
    )
    section.blocks += _when(
        frame,
        lambda: [
            *([_chart("goals", "Progress and projection", charts.goals(frame))] if _has_values(frame, "pct_of_target") else []),
            Table("goals", "Goals", frame),
        ],
        _no_data(scope, f"no goals of {scope.brand_id} active"),
    )  # fmt: skip
    return section


def traffic(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> Section:
    by_platform = data.traffic_by_platform(con, scope)
    posts = data.post_conversions(con, scope)
    section = Section(
        "traffic",
        "Social traffic and conversions",
        "Site sessions from social networks (GA4), their conversions (key events) and revenue; "
        "conversion rate = conversions / sessions.",
    )
    if by_platform is None:
        section.blocks.append(_absent("fct_social_traffic_daily"))
    else:
        section.blocks += _when(
            by_platform,
            lambda: [
                _chart(
                    "traffic", "Sessions from social by platform", charts.traffic_by_platform(by_platform)
                ),
                Table("traffic_by_platform", "Traffic and conversions by platform", by_platform),
            ],
            _no_data(scope, f"no site sessions from social for {scope.brand_id}"),
        )
    if posts is None:
        section.blocks.append(_absent("fct_post_conversions"))
    else:
        section.blocks += _when(
            posts,
            lambda: [Table("post_conversions", "Posts of the period that brought conversions", posts)],
            _no_data(scope, "no sessions attributed to posts published"),
        )
    return section


SECTIONS = (overview, community, engagement, share_of_voice, responsiveness, goals, traffic)


def build_sections(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> list[Section]:
    return [section(con, scope) for section in SECTIONS]
