"""The numbers of a brand report, read from the published warehouse (read-only), one function per table.

Every figure is a sum or a ratio of sums over the marts' rows for the period (docs/metrics.md: ratios
over several days or posts are ratios of the summed numerators and denominators), so a reader can
recompute any of them from the marts. Each function returns a polars frame; an empty frame means
"no data for this period". Marts that a publication may not have yet (mentions, alerts, site traffic)
return None when absent, so the report says so instead of failing.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from pipelines.reports.report_scope import ReportScope

TOP_POSTS = 10
TOP_MENTIONS = 10
TEXT_CHARS = 120

# The report period and the one before it, one row each: the comparison queries join their mart to it
# and then pick each figure's current and previous value by `period`.
PERIODS = """periods as (
            select 'current' as period, $start::date as first_day, $end::date as last_day
            union all select 'previous', $pstart::date, $pend::date
        )"""

# ER by followers over several account-days (fct_engagement_daily as `e`): the summed engagements over
# the summed followers of the account-days that have both, the ratio of sums of the daily ER.
ER_BY_FOLLOWERS = """sum(e.engagements) filter (where e.engagements is not null and e.followers > 0)
                   / nullif(sum(e.followers) filter (where e.engagements is not null and e.followers > 0), 0)"""

# The brand's posts published in the period with their lifetime numbers (latest snapshot); deleted and
# hidden posts are left out of every post table.
PERIOD_POSTS = """period_posts as (
            select d.platform, d.post_id, d.published_date, d.published_at, d.content_type, d.text, d.url,
                   p.engagements, p.engagement_rate_by_followers, p.reach, p.views
            from marts.dim_posts as d
            join marts.fct_post_performance as p using (platform, post_id)
            where d.brand_id = $brand and d.published_date between $start and $end
              and not coalesce(d.is_deleted, false) and not coalesce(d.is_hidden, false)
        )"""


def _snippet(column: str) -> str:
    """SQL for the first TEXT_CHARS characters of a text column, whitespace runs made one space."""
    return f"left(regexp_replace(coalesce({column}, ''), '\\s+', ' ', 'g'), {TEXT_CHARS})"


# Marts the report reads only when the publication has them, with the contract columns it needs
# (architecture.md, "The mart contract").
OPTIONAL_MARTS: dict[str, tuple[str, ...]] = {
    "fct_mentions": (
        "mention_id", "platform", "date", "brand_id", "competitor_set_id", "text", "author_pseudonym",
        "reach", "engagements", "sentiment", "sentiment_source",
    ),
    "fct_alerts": (
        "alert_id", "detected_for_date", "brand_id", "platform", "kind", "observed", "baseline",
        "threshold", "severity", "delivery_status",
    ),
    "fct_social_traffic_daily": (
        "date", "brand_id", "platform", "sessions", "engaged_sessions", "conversions", "revenue", "currency",
    ),
    "fct_post_conversions": ("platform", "post_id", "brand_id", "sessions", "conversions", "revenue", "clicks"),
}  # fmt: skip


def missing_contract_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    """None when marts.<table> is absent; else the contract columns it lacks (empty when complete)."""
    present = {
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?", [table]
        ).fetchall()
    }
    if not present:
        return None
    return [c for c in OPTIONAL_MARTS[table] if c not in present]


def has_mart(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return missing_contract_columns(con, table) == []


def _query(con: duckdb.DuckDBPyConnection, scope: ReportScope, sql: str) -> pl.DataFrame:
    """The statement's rows as a frame, its $parameters bound from the scope (_params)."""
    # Only the parameters the statement names: DuckDB refuses unused named parameters.
    used = {k: v for k, v in _params(scope).items() if re.search(rf"\${k}\b", sql)}
    frame = pl.from_arrow(con.sql(sql, params=used).to_arrow_table())
    # DuckDB sums integers into DECIMAL(38,0): counts are plain integers to readers and CSVs.
    return frame.with_columns(
        pl.col(name).cast(pl.Int64 if dtype.scale == 0 else pl.Float64)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Decimal)
    )


def _params(scope: ReportScope) -> dict:
    p = scope.period
    return {
        "brand": scope.brand_id,
        "brands": list(scope.set_brands),
        "set": scope.competitor_set_id or "",
        "tz": scope.timezone,
        "start": p.start,
        "end": p.end,
        "pstart": p.previous_start,
        "pend": p.previous_end,
    }


# ------------------------------------------------------------------------------------------- headline


def headline(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """The brand's key figures for the period and the previous one. One row per metric."""
    return _query(
        con,
        scope,
        f"""
        with {PERIODS},
        community as (
            select p.period,
                   arg_max(c.followers, c.date) filter (where c.followers is not null) as followers,
                   sum(c.net_follower_change) as net_follower_change
            from periods as p
            join marts.fct_brand_community_daily as c
                on c.brand_id = $brand and c.date between p.first_day and p.last_day
            group by p.period
        ),
        engagement as (
            select p.period,
                   sum(e.posts_published) as posts_published,
                   sum(e.engagements) as engagements,
                   {ER_BY_FOLLOWERS} as engagement_rate_by_followers
            from periods as p
            join marts.fct_engagement_daily as e
                on e.brand_id = $brand and e.date between p.first_day and p.last_day
            group by p.period
        ),
        voice_sums as (
            select p.period,
                   sum(v.mentions) filter (where v.brand_id = $brand) as mentions,
                   sum(v.mentions) as set_mentions,
                   sum(v.positive_mentions) filter (where v.brand_id = $brand) as positive,
                   sum(v.negative_mentions) filter (where v.brand_id = $brand) as negative
            from periods as p
            join marts.fct_share_of_voice_daily as v
                on v.competitor_set_id = $set and v.platform = 'all'
                and v.date between p.first_day and p.last_day
            group by p.period
        ),
        voice as (
            select period, mentions,
                   mentions / nullif(set_mentions, 0) as sov_mentions,
                   (positive - negative) / nullif(positive + negative, 0) as net_sentiment
            from voice_sums
        ),
        response as (
            select p.period, sum(r.responded) / nullif(sum(r.inbound), 0) as response_rate
            from periods as p
            join marts.fct_response_daily as r
                on r.brand_id = $brand and r.date between p.first_day and p.last_day
            group by p.period
        ),
        wide as (
            select p.period, c.followers, c.net_follower_change, e.posts_published, e.engagements,
                   e.engagement_rate_by_followers, v.mentions, v.sov_mentions, v.net_sentiment,
                   r.response_rate
            from periods as p
            left join community as c using (period)
            left join engagement as e using (period)
            left join voice as v using (period)
            left join response as r using (period)
        ),
        long as (
            unpivot (
                select period,
                       followers::double as followers,
                       net_follower_change::double as net_follower_change,
                       posts_published::double as posts_published,
                       engagements::double as engagements,
                       engagement_rate_by_followers, mentions::double as mentions,
                       sov_mentions, net_sentiment, response_rate
                from wide
            ) on columns(* exclude (period)) into name metric value value
        )
        select metric,
               max(value) filter (where period = 'current') as current,
               max(value) filter (where period = 'previous') as previous,
               current - previous as change
        from long
        group by metric
        order by list_position(
            ['followers', 'net_follower_change', 'posts_published', 'engagements',
             'engagement_rate_by_followers', 'mentions', 'sov_mentions', 'net_sentiment', 'response_rate'],
            metric)
        """,
    )


# ------------------------------------------------------------------------------------------ community


def community_by_platform(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """Followers at the period's end per platform (sum over the brand's accounts, each account's last
    count in the period), net change, gained/lost and growth, this period and the previous one."""
    return _query(
        con,
        scope,
        f"""
        with {PERIODS},
        per_account as (
            select p.period, c.platform, c.account_id,
                   arg_max(c.followers, c.date) filter (where c.followers is not null) as followers,
                   sum(c.net_follower_change) as net_follower_change,
                   sum(c.followers_gained) as followers_gained,
                   sum(c.followers_lost) as followers_lost
            from periods as p
            join marts.fct_community_daily as c
                on c.brand_id = $brand and c.date between p.first_day and p.last_day
            group by all
        ),
        per_platform as (
            select period, platform,
                   sum(followers) as followers,
                   sum(net_follower_change) as net_follower_change,
                   sum(followers_gained) as followers_gained,
                   sum(followers_lost) as followers_lost,
                   -- growth over the period: the change against the count the period started from
                   sum(net_follower_change) / nullif(sum(followers) - sum(net_follower_change), 0)
                       as follower_growth_rate
            from per_account
            group by all
        )
        select platform,
               max(followers) filter (where period = 'current') as followers,
               max(net_follower_change) filter (where period = 'current') as net_follower_change,
               max(followers_gained) filter (where period = 'current') as followers_gained,
               max(followers_lost) filter (where period = 'current') as followers_lost,
               max(follower_growth_rate) filter (where period = 'current') as follower_growth_rate,
               max(followers) filter (where period = 'previous') as followers_previous,
               max(net_follower_change) filter (where period = 'previous') as net_follower_change_previous
        from per_platform
        group by platform
        having count(*) filter (where period = 'current') > 0
        order by followers desc nulls last, platform
        """,
    )


def community_vs_competitors(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """The brand platform (all accounts together) of each brand of the set: followers at the period's
    end, net change and growth, with the previous period's growth."""
    return _query(
        con,
        scope,
        f"""
        with {PERIODS},
        per_brand as (
            select p.period, c.brand_id,
                   arg_max(c.followers, c.date) filter (where c.followers is not null) as followers,
                   sum(c.net_follower_change) as net_follower_change
            from periods as p
            join marts.fct_brand_community_daily as c
                on list_contains($brands, c.brand_id) and c.date between p.first_day and p.last_day
            group by all
        )
        select brand_id,
               brand_id = $brand as is_report_brand,
               max(followers) filter (where period = 'current') as followers,
               max(net_follower_change) filter (where period = 'current') as net_follower_change,
               max(net_follower_change / nullif(followers - net_follower_change, 0))
                   filter (where period = 'current') as follower_growth_rate,
               max(net_follower_change / nullif(followers - net_follower_change, 0))
                   filter (where period = 'previous') as follower_growth_rate_previous
        from per_brand
        group by brand_id
        having count(*) filter (where period = 'current') > 0
        order by list_position($brands, brand_id)
        """,
    )


# ----------------------------------------------------------------------------------------- engagement


def engagement_by_platform(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """ER by followers per platform and brand of the set: the period's engagements over the summed
    daily followers of the same account-days (the ratio of sums of the daily ER), with the previous
    period's ER."""
    return _query(
        con,
        scope,
        f"""
        with {PERIODS},
        sums as (
            select p.period, e.platform, e.brand_id,
                   sum(e.posts_published) as posts_published,
                   sum(e.engagements) as engagements,
                   {ER_BY_FOLLOWERS} as engagement_rate_by_followers
            from periods as p
            join marts.fct_engagement_daily as e
                on list_contains($brands, e.brand_id) and e.date between p.first_day and p.last_day
            group by all
        )
        select platform, brand_id,
               brand_id = $brand as is_report_brand,
               max(posts_published) filter (where period = 'current') as posts_published,
               max(engagements) filter (where period = 'current') as engagements,
               max(engagement_rate_by_followers) filter (where period = 'current')
                   as engagement_rate_by_followers,
               max(engagement_rate_by_followers) filter (where period = 'previous')
                   as engagement_rate_by_followers_previous
        from sums
        group by platform, brand_id
        having count(*) filter (where period = 'current') > 0
        order by platform, list_position($brands, brand_id)
        """,
    )


def top_posts(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """The brand's posts published in the period with the most engagements (lifetime, latest snapshot);
    deleted and hidden posts left out."""
    return _query(
        con,
        scope,
        f"""
        with {PERIOD_POSTS}
        select platform, post_id, published_date, content_type, {_snippet("text")} as text,
               engagements, engagement_rate_by_followers, reach, views, url
        from period_posts
        order by engagements desc nulls last, published_date, platform, post_id
        limit {TOP_POSTS}
        """,
    )


def content_types(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """Per platform and content type: the brand's posts in the period, their engagements, the mean per
    post and the mean per-post ER (the Popsters habit)."""
    return _query(
        con,
        scope,
        f"""
        with {PERIOD_POSTS}
        select p.platform, coalesce(p.content_type, 'unknown') as content_type,
               count(*) as posts,
               sum(p.engagements) as engagements,
               avg(p.engagements) as engagements_per_post,
               avg(p.engagement_rate_by_followers) as mean_engagement_rate_by_followers
        from period_posts as p
        group by all
        order by engagements_per_post desc nulls last, p.platform, content_type
        """,
    )


def posting_hours(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """Posts and mean engagements per post by local weekday (1 = Monday) and hour of publication."""
    return _query(
        con,
        scope,
        f"""
        with {PERIOD_POSTS},
        local as (
            select timezone($tz, published_at) as published_local, engagements
            from period_posts
            where published_at is not null
        )
        select isodow(published_local) as weekday,
               dayname(published_local) as weekday_name,
               hour(published_local) as hour,
               count(*) as posts,
               avg(engagements) as engagements_per_post
        from local
        group by all
        order by weekday, hour
        """,
    )


# ------------------------------------------------------------------------------------- share of voice


def sov_by_brand(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """Share of voice over the period for each brand of the set, all platforms together: mentions and
    their share of the set's, the same for engagements and reach, sentiment counts and net sentiment;
    with the previous period's mentions and share."""
    return _query(
        con,
        scope,
        f"""
        with {PERIODS},
        sums as (
            select p.period, v.brand_id,
                   sum(v.mentions) as mentions,
                   sum(v.mention_engagements) as mention_engagements,
                   sum(v.mention_reach) as mention_reach,
                   sum(v.positive_mentions) as positive_mentions,
                   sum(v.neutral_mentions) as neutral_mentions,
                   sum(v.negative_mentions) as negative_mentions
            from periods as p
            join marts.fct_share_of_voice_daily as v
                on v.competitor_set_id = $set and v.platform = 'all'
                and v.date between p.first_day and p.last_day
            group by all
        ),
        shares as (
            select *,
                   mentions / nullif(sum(mentions) over (partition by period), 0) as sov_mentions,
                   mention_engagements / nullif(sum(mention_engagements) over (partition by period), 0)
                       as sov_engagement,
                   mention_reach / nullif(sum(mention_reach) over (partition by period), 0) as sov_reach,
                   (positive_mentions - negative_mentions)
                   / nullif(positive_mentions + negative_mentions, 0) as net_sentiment
            from sums
        )
        select brand_id,
               brand_id = $brand as is_report_brand,
               max(mentions) filter (where period = 'current') as mentions,
               max(sov_mentions) filter (where period = 'current') as sov_mentions,
               max(sov_engagement) filter (where period = 'current') as sov_engagement,
               max(sov_reach) filter (where period = 'current') as sov_reach,
               max(positive_mentions) filter (where period = 'current') as positive_mentions,
               max(neutral_mentions) filter (where period = 'current') as neutral_mentions,
               max(negative_mentions) filter (where period = 'current') as negative_mentions,
               max(net_sentiment) filter (where period = 'current') as net_sentiment,
               max(mentions) filter (where period = 'previous') as mentions_previous,
               max(sov_mentions) filter (where period = 'previous') as sov_mentions_previous
        from shares
        group by brand_id
        having count(*) filter (where period = 'current') > 0
        order by list_position($brands, brand_id), brand_id
        """,
    )


def sov_daily(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """The daily share of mentions of each brand of the set (all platforms) over the period."""
    return _query(
        con,
        scope,
        """
        select date, brand_id, mentions, sov_mentions, negative_mentions
        from marts.fct_share_of_voice_daily
        where competitor_set_id = $set and platform = 'all' and date between $start and $end
        order by date, list_position($brands, brand_id), brand_id
        """,
    )


def top_mentions(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame | None:
    """The brand's most engaging mentions in the period (None: the publication has no fct_mentions)."""
    if not has_mart(con, "fct_mentions"):
        return None
    return _query(
        con,
        scope,
        f"""
        select date, platform,
               {_snippet("text")} as text,
               left(author_pseudonym, 12) as author,
               engagements, reach, sentiment, sentiment_source, mention_id
        from marts.fct_mentions
        where brand_id = $brand and date between $start and $end
          and ($set = '' or competitor_set_id = $set)
        order by engagements desc nulls last, reach desc nulls last, date, mention_id
        limit {TOP_MENTIONS}
        """,
    )


def alerts(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame | None:
    """The brand's alerts detected for dates in the period (None: the publication has no fct_alerts)."""
    if not has_mart(con, "fct_alerts"):
        return None
    return _query(
        con,
        scope,
        """
        select detected_for_date, platform, kind, observed, baseline, threshold, severity,
               delivery_status, alert_id
        from marts.fct_alerts
        where brand_id = $brand and detected_for_date between $start and $end
        order by detected_for_date, platform, kind
        """,
    )


# ------------------------------------------------------------------------------------- responsiveness


def response_by_platform(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """Inbound items and responses per platform, inside and outside business hours, with the response
    rates and the median of the daily first-response medians (the marts keep daily medians only, and
    no median outside business hours); the previous period's response rate."""
    return _query(
        con,
        scope,
        f"""
        with {PERIODS},
        sums as (
            select p.period, r.platform,
                   sum(r.inbound) as inbound,
                   sum(r.responded) as responded,
                   sum(r.inbound_business_hours) as inbound_business_hours,
                   sum(r.responded_business_hours) as responded_business_hours,
                   median(r.first_response_minutes_median) as first_response_minutes_median,
                   median(r.first_response_minutes_median_business_hours)
                       as first_response_minutes_median_business_hours
            from periods as p
            join marts.fct_response_daily as r
                on r.brand_id = $brand and r.date between p.first_day and p.last_day
            group by all
        )
        select platform,
               max(inbound) filter (where period = 'current') as inbound,
               max(responded) filter (where period = 'current') as responded,
               max(responded / nullif(inbound, 0)) filter (where period = 'current') as response_rate,
               max(responded_business_hours / nullif(inbound_business_hours, 0))
                   filter (where period = 'current') as response_rate_business_hours,
               max((responded - responded_business_hours) / nullif(inbound - inbound_business_hours, 0))
                   filter (where period = 'current') as response_rate_outside_business_hours,
               max(first_response_minutes_median) filter (where period = 'current')
                   as first_response_minutes_median,
               max(first_response_minutes_median_business_hours) filter (where period = 'current')
                   as first_response_minutes_median_business_hours,
               max(responded / nullif(inbound, 0)) filter (where period = 'previous')
                   as response_rate_previous
        from sums
        group by platform
        having count(*) filter (where period = 'current') > 0
        order by platform
        """,
    )


# -------------------------------------------------------------------------------------------- goals


def goals(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame:
    """The brand's goals whose window overlaps the period, as of the latest data in the publication."""
    return _query(
        con,
        scope,
        """
        select platform, metric, target, start_date, end_date, actual, pct_of_target, projected_at_end,
               projected_at_end / nullif(target, 0) as projected_pct_of_target
        from marts.fct_goal_progress
        where brand_id = $brand and start_date <= $end and end_date >= $start
        order by end_date, platform, metric
        """,
    )


# ------------------------------------------------------------------------------ traffic, conversions


def traffic_by_platform(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame | None:
    """Site sessions, conversions and revenue from social per platform (organic and paid together),
    this period and the previous one (None: the publication has no fct_social_traffic_daily)."""
    if not has_mart(con, "fct_social_traffic_daily"):
        return None
    return _query(
        con,
        scope,
        f"""
        with {PERIODS},
        sums as (
            select p.period, t.platform,
                   sum(t.sessions) as sessions,
                   sum(t.engaged_sessions) as engaged_sessions,
                   sum(t.conversions) as conversions,
                   sum(t.revenue) as revenue,
                   string_agg(distinct t.currency, ', ') as currency
            from periods as p
            join marts.fct_social_traffic_daily as t
                on t.brand_id = $brand and t.date between p.first_day and p.last_day
            group by all
        )
        select platform,
               max(sessions) filter (where period = 'current') as sessions,
               max(engaged_sessions) filter (where period = 'current') as engaged_sessions,
               max(conversions) filter (where period = 'current') as conversions,
               max(revenue) filter (where period = 'current') as revenue,
               max(currency) filter (where period = 'current') as currency,
               max(conversions / nullif(sessions, 0)) filter (where period = 'current') as conversion_rate,
               max(sessions) filter (where period = 'previous') as sessions_previous,
               max(conversions) filter (where period = 'previous') as conversions_previous
        from sums
        group by platform
        having count(*) filter (where period = 'current') > 0
        order by sessions desc nulls last, platform
        """,
    )


def post_conversions(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> pl.DataFrame | None:
    """The brand's posts published in the period that brought the most conversions (attributed sessions,
    lifetime). None: the publication has no fct_post_conversions."""
    if not has_mart(con, "fct_post_conversions"):
        return None
    return _query(
        con,
        scope,
        f"""
        select c.platform, c.post_id, d.published_date,
               {_snippet("d.text")} as text,
               c.clicks, c.sessions, c.conversions, c.revenue,
               c.conversions / nullif(c.sessions, 0) as conversion_rate
        from marts.fct_post_conversions as c
        join marts.dim_posts as d using (platform, post_id)
        where c.brand_id = $brand and d.published_date between $start and $end
        order by c.conversions desc nulls last, c.sessions desc nulls last, c.platform, c.post_id
        limit {TOP_POSTS}
        """,
    )
