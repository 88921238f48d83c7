"""What `smm run` and `smm status` print: the published warehouse at a glance."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.warehouse.publish import MART_TABLES

_ER_BY_PLATFORM = """
select p.platform,
       count(*) as posts,
       round(100 * avg(p.engagement_rate_by_followers), 3) as mean_er_pct,
       round(100 * sum(p.engagements) / nullif(sum(p.followers_at_publish), 0), 3) as er_of_sums_pct
from marts.fct_post_performance as p
join marts.dim_brands as b using (brand_id)
where b.is_own
group by p.platform
order by p.platform
"""

_SOV = """
select competitor_set_id, brand_id, sum(mentions) as mentions,
       round(100 * sum(mentions) / sum(sum(mentions)) over (partition by competitor_set_id), 1) as sov_pct
from marts.fct_share_of_voice_daily
where platform = 'all'
group by competitor_set_id, brand_id
order by competitor_set_id, mentions desc
"""

_RESPONSE = """
select platform, sum(inbound) as inbound, sum(responded) as responded,
       round(100 * sum(responded) / nullif(sum(inbound), 0), 1) as response_rate_pct,
       round(median(first_response_minutes_median), 1) as median_of_daily_medians_min
from marts.fct_response_daily
group by platform
order by platform
"""


def _table(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    rel = con.sql(sql)
    header = rel.columns
    rows = [[("" if v is None else str(v)) for v in row] for row in rel.fetchall()]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def format_table(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    return _table(con, sql)


_RECENT_ALERTS = """
select detected_for_date as date, brand_id, platform, kind, round(observed, 3) as observed,
       round(threshold, 3) as threshold,
       severity, delivery_status
from marts.fct_alerts
order by detected_for_date desc, severity, brand_id, platform, kind
limit {n}
"""


def recent_alerts(con: duckdb.DuckDBPyConnection, n: int = 10) -> list[str]:
    """The latest alerts with their delivery status; nothing for a publication older than fct_alerts."""
    present = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'fct_alerts'"
    ).fetchall()[0][0]
    if not present:
        return []
    # fetchall, not fetchone: a half-read result would block the next query on this connection
    total = con.execute("select count(*) from marts.fct_alerts").fetchall()[0][0]
    if not total:
        return ["== alerts (marts.fct_alerts)", "no alerts"]
    header = f"== latest alerts (marts.fct_alerts, {min(n, total)} of {total})"
    return [header, _table(con, _RECENT_ALERTS.format(n=int(n)))]


_SOCIAL_TRAFFIC = """
select t.brand_id, t.platform, sum(t.sessions) as sessions, round(sum(t.conversions), 1) as conversions,
       round(sum(t.revenue), 2) as revenue, any_value(t.currency) as currency,
       round(100 * sum(t.conversions) / nullif(sum(t.sessions), 0), 2) as conversion_rate_pct
from marts.fct_social_traffic_daily as t
join marts.dim_brands as b using (brand_id)
where b.is_own
group by t.brand_id, t.platform
order by t.brand_id, sessions desc, t.platform
"""

_SITE_GOALS = """
select brand_id, platform, metric, start_date, end_date, round(baseline, 1) as baseline,
       round(100 * change, 1) as change_pct, round(target, 1) as target, actual,
       round(100 * pct_of_target, 1) as pct_of_target, round(projected_at_end, 1) as projected_at_end
from marts.fct_goal_progress
where metric in ('sessions', 'conversions')
order by brand_id, metric, platform, start_date
"""


def _has_mart(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ?", [table]
        ).fetchall()[0][0]
    )


def social_traffic(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The own brands' site sessions, conversions, revenue and conversion rate from each platform (GA4),
    and the progress of their sessions/conversions goals; nothing for a publication without GA4 marts."""
    if not _has_mart(con, "fct_social_traffic_daily"):
        return []
    parts = ["== social traffic to the own brands' sites (GA4, whole period)"]
    if not con.execute("select count(*) from marts.fct_social_traffic_daily").fetchall()[0][0]:
        parts.append("no GA4 traffic (no brand has accounts.ga4, or nothing was captured)")
    else:
        parts.append(_table(con, _SOCIAL_TRAFFIC))
    has_relative = "baseline" in {c[0] for c in con.execute("describe marts.fct_goal_progress").fetchall()}
    if (
        has_relative
        and con.execute(
            "select count(*) from marts.fct_goal_progress where metric in ('sessions', 'conversions')"
        ).fetchall()[0][0]
    ):
        parts += ["== sessions and conversions goals (baseline = the same number of days before start)"]
        parts.append(_table(con, _SITE_GOALS))
    return parts


def warehouse_summary(db: Path) -> str:
    """Row counts, last run, quarantine, and headline figures of the published warehouse."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        parts = [
            "== last runs (ops.runs)",
            _table(con, "select * from ops.runs order by finished_at desc limit 3"),
        ]
        recorded = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'build_state'"
        ).fetchall()[0][0]
        if recorded:  # publications older than incremental builds lack it
            parts += [
                "== how dbt built this publication (ops.build_state)",
                _table(con, "select mode, window_first, window_last, reason from ops.build_state"),
            ]
        counts = " union all ".join(
            f"select '{t}' as mart_table, count(*) as row_count from marts.{t}" for t in MART_TABLES
        )
        parts += ["== mart row counts", _table(con, counts)]
        parts += [
            "== quarantine of the last run, by dataset",
            _table(
                con,
                "select platform, entity, count(*) as records, any_value(reason) as example_reason "
                "from ops.quarantine where run_id = (select run_id from ops.runs order by finished_at desc limit 1) "
                "group by all order by records desc",
            ),
        ]
        parts += ["== own brand engagement rate by followers, per platform", _table(con, _ER_BY_PLATFORM)]
        parts += ["== share of voice (all platforms, whole period)", _table(con, _SOV)]
        parts += ["== responsiveness", _table(con, _RESPONSE)]
        parts += social_traffic(con)
        parts += recent_alerts(con)
        return "\n".join(parts)
    finally:
        con.close()
