-- Per-post insight captures (separate API calls from the listing), pivoted onto the canonical metrics:
-- one row per post per insight capture time. Values are lifetime totals.
with

facebook as (

    select
        platform,
        account_id,
        post_id,
        fetched_at,
        cast(null as bigint) as likes,
        cast(null as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(round(max(metric_value) filter (where metric_name = 'post_clicks')) as bigint) as clicks,
        cast(round(max(metric_value) filter (where metric_name = 'post_media_view')) as bigint) as views,
        -- NULL once Meta stops returning it (deprecated 2025-26): never filled from other metrics
        cast(round(max(metric_value) filter (where metric_name = 'post_impressions')) as bigint) as impressions,
        cast(round(max(metric_value) filter (where metric_name = 'post_impressions_unique')) as bigint) as reach
    from {{ ref('stg_facebook__post_insights') }}
    where coalesce(period, 'lifetime') = 'lifetime'
    group by platform, account_id, post_id, fetched_at

),

instagram as (

    select
        platform,
        account_id,
        media_id as post_id,
        fetched_at,
        cast(null as bigint) as likes,
        cast(null as bigint) as comments,
        cast(round(max(metric_value) filter (where metric_name = 'shares')) as bigint) as shares,
        cast(round(max(metric_value) filter (where metric_name = 'saved')) as bigint) as saves,
        cast(null as bigint) as clicks,
        -- `views` replaced `impressions` in 2025; older captures only have impressions (DECISIONLOG)
        cast(round(coalesce(
            max(metric_value) filter (where metric_name = 'views'),
            max(metric_value) filter (where metric_name = 'impressions')
        )) as bigint) as views,
        -- Instagram impressions are never reported as impressions (domain rule)
        cast(null as bigint) as impressions,
        cast(round(max(metric_value) filter (where metric_name = 'reach')) as bigint) as reach
    from {{ ref('stg_instagram__media_insights') }}
    where coalesce(period, 'lifetime') = 'lifetime'
    group by platform, account_id, media_id, fetched_at

),

linkedin as (

    select
        platform,
        account_id,
        share_urn as post_id,
        fetched_at,
        max(like_count) as likes,
        max(comment_count) as comments,
        max(share_count) as shares,
        cast(null as bigint) as saves,
        max(click_count) as clicks,
        cast(null as bigint) as views,
        max(impression_count) as impressions,
        max(unique_impressions_count) as reach
    from {{ ref('stg_linkedin__share_statistics') }}
    where not is_organization_total
    group by platform, account_id, share_urn, fetched_at

),

unioned as (

    select * from facebook
    union all
    select * from instagram
    union all
    select * from linkedin

)

select * from unioned
