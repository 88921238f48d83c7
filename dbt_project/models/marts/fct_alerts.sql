-- Alerts per brand × platform (and 'all') × local date, by the rules of domain.md "Monitoring and
-- alerts", computed from the marts (the same counts a reader sees there):
-- negative_wave / mention_spike: today's (negative) mentions >= min_count and > median + mad_factor ×
--   1.4826 × MAD of the baseline window;
-- follower_drop: net follower change < -(|median| + 3 × 1.4826 × MAD) of the window's daily changes;
-- response_slump: response rate < 0.5 on a day with >= 10 inbound items (no baseline).
-- The window is the previous baseline_days local dates, never before the scope's first date with data;
-- a date without data inside it counts as 0; fewer than 7 dates of history: no alert.
-- Delivery columns are 'pending' here; the delivery step fills them in before the run publishes.

with

settings as (

    select * from {{ ref('stg_config__alert_settings') }}

),

mention_days as (

    select
        brand_id,
        platform,
        date,
        count(*) as mentions,
        count(*) filter (where sentiment = 'negative') as negative_mentions
    from {{ ref('fct_mentions') }}
    group by brand_id, platform, date

),

mention_days_all as (

    select * from mention_days
    union all
    select
        brand_id,
        'all' as platform,
        date,
        sum(mentions) as mentions,
        sum(negative_mentions) as negative_mentions
    from mention_days
    group by brand_id, date

),

follower_days as (

    select
        brand_id,
        platform,
        date,
        sum(net_follower_change) as net_follower_change
    from {{ ref('fct_community_daily') }}
    group by brand_id, platform, date
    union all
    select
        brand_id,
        'all' as platform,
        date,
        net_follower_change
    from {{ ref('fct_brand_community_daily') }}

),

-- One value per scope (brand × platform), rule and date with data.
observed as (

    select
        brand_id,
        platform,
        'negative_wave' as kind,
        'negative_mentions' as metric,
        date,
        cast(negative_mentions as double) as value
    from mention_days_all
    union all
    select
        brand_id,
        platform,
        'mention_spike' as kind,
        'mentions' as metric,
        date,
        cast(mentions as double) as value
    from mention_days_all
    union all
    select
        brand_id,
        platform,
        'follower_drop' as kind,
        'net_follower_change' as metric,
        date,
        cast(net_follower_change as double) as value
    from follower_days

),

scope_bounds as (

    select
        brand_id,
        platform,
        kind,
        metric,
        min(date) as first_date,
        max(date) as last_date
    from observed
    group by brand_id, platform, kind, metric

),

scope_days as (

    select
        brand_id,
        platform,
        kind,
        metric,
        cast(unnest(generate_series(first_date, last_date, interval 1 day)) as date) as date
    from scope_bounds

),

-- Every date from the scope's first to its last date with data; a date without data counts as 0 in
-- a baseline, and has no observed value of its own (NULL), so it never alerts itself.
spine as (

    select
        scope_days.brand_id,
        scope_days.platform,
        scope_days.kind,
        scope_days.metric,
        scope_days.date,
        observed.value as observed_value,
        coalesce(observed.value, 0) as baseline_value
    from scope_days
    left join observed
        on
            scope_days.brand_id = observed.brand_id
            and scope_days.platform = observed.platform
            and scope_days.kind = observed.kind
            and scope_days.date = observed.date

),

-- Each date's baseline over the previous baseline_days dates of its scope, as window aggregates in
-- one pass: the spine has one row per date, so a frame of rows is a frame of days. (A self-join of
-- every date with its window held ~20 M rows at 280 brands and ran out of memory beside another model.)
baselines as (

    select
        spine.brand_id,
        spine.platform,
        spine.kind,
        spine.metric,
        spine.date,
        spine.observed_value,
        settings.min_count,
        settings.mad_factor,
        count(*) over history as history_dates,
        median(spine.baseline_value) over history as baseline,
        mad(spine.baseline_value) over history as baseline_mad
    from spine
    inner join settings
        on
            spine.brand_id = settings.brand_id
            and spine.kind = settings.kind
    window history as (
        partition by spine.brand_id, spine.platform, spine.kind
        order by spine.date
        rows between settings.baseline_days preceding and 1 preceding
    )

),

baselined as (

    select
        brand_id,
        platform,
        kind,
        metric,
        date,
        observed_value as observed,
        min_count,
        history_dates,
        baseline,
        baseline_mad,
        case
            when kind = 'follower_drop'
                then -(abs(baseline) + mad_factor * 1.4826 * baseline_mad)
            else baseline + mad_factor * 1.4826 * baseline_mad
        end as threshold
    from baselines
    where observed_value is not null and history_dates >= 7

),

baseline_alerts as (

    select
        *,
        case
            when kind = 'follower_drop' and observed <= 2 * least(threshold, -1) then 'critical'
            when kind != 'follower_drop' and observed >= 2 * greatest(threshold, min_count) then 'critical'
            else 'warning'
        end as severity
    from baselined
    where
        (kind = 'follower_drop' and observed < threshold)
        or (kind != 'follower_drop' and observed >= min_count and observed > threshold)

),

response_days as (

    select
        brand_id,
        platform,
        date,
        sum(inbound) as inbound,
        sum(responded) as responded
    from {{ ref('fct_response_daily') }}
    group by brand_id, platform, date

),

response_days_all as (

    select * from response_days
    union all
    select
        brand_id,
        'all' as platform,
        date,
        sum(inbound) as inbound,
        sum(responded) as responded
    from response_days
    group by brand_id, date

),

slump_alerts as (

    select
        response_days_all.brand_id,
        response_days_all.platform,
        'response_slump' as kind,
        'response_rate' as metric,
        response_days_all.date,
        {{ safe_ratio('response_days_all.responded', 'response_days_all.inbound') }} as observed,
        cast(null as double) as baseline,
        cast(null as double) as baseline_mad,
        0.5 as threshold,
        cast(null as bigint) as history_dates,
        case
            when {{ safe_ratio('response_days_all.responded', 'response_days_all.inbound') }} < 0.25
                then 'critical'
            else 'warning'
        end as severity
    from response_days_all
    inner join settings
        on
            response_days_all.brand_id = settings.brand_id
            and settings.kind = 'response_slump'
    where
        response_days_all.inbound >= settings.min_count
        and {{ safe_ratio('response_days_all.responded', 'response_days_all.inbound') }} < 0.5

),

alerts as (

    select
        brand_id,
        platform,
        kind,
        metric,
        date,
        observed,
        baseline,
        baseline_mad,
        threshold,
        history_dates,
        severity
    from baseline_alerts
    union all
    select
        brand_id,
        platform,
        kind,
        metric,
        date,
        observed,
        baseline,
        baseline_mad,
        threshold,
        history_dates,
        severity
    from slump_alerts

),

final as (

    select
        cast(md5(concat_ws('|', brand_id, platform, kind, cast(date as varchar))) as varchar) as alert_id,
        cast(date as date) as detected_for_date,
        cast(brand_id as varchar) as brand_id,
        cast(platform as varchar) as platform,
        cast(kind as varchar) as kind,
        cast(metric as varchar) as metric,
        cast(observed as double) as observed,
        cast(baseline as double) as baseline,
        cast(baseline_mad as double) as baseline_mad,
        cast(threshold as double) as threshold,
        cast(history_dates as bigint) as history_dates,
        cast(severity as varchar) as severity,
        cast(null as timestamptz) as delivered_at,
        cast('pending' as varchar) as delivery_status
    from alerts

)

select * from final
