-- Daily activity comes from differencing lifetime counters between consecutive snapshots of a post.
-- A post's first snapshot is differenced against 0; a metric that was NULL in earlier snapshots and
-- becomes known later is differenced against its last known value (else 0). Negative deltas
-- (unlikes, deleted comments) are real and kept.
-- Incremental by post, as int_post_metric_snapshots is: the posts with a snapshot in the build window,
-- now or as this table was built, get their whole history again. Activity dates are in the brand's
-- timezone (brands.yml): a brands.yml change rebuilds it in full (run_plan.py).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['platform', 'post_id'],
        on_schema_change='fail',
        post_hook="{{ delete_keys_gone(ref('int_post_metric_snapshots'), ['platform', 'post_id']) }}"
    )
}}

with

{% if is_incremental() %}
    rebuilt_posts as (

        {{ keys_in_build_window([ref('int_post_metric_snapshots'), this], ['platform', 'post_id']) }}

    ),
{% endif %}

snapshots as (

    select * from {{ ref('int_post_metric_snapshots') }}
    {% if is_incremental() %}
        where (platform, post_id) in (
                select
                    rebuilt_posts.platform,
                    rebuilt_posts.post_id
                from rebuilt_posts
            )
    {% endif %}

),

brands as (

    select
        brand_id,
        timezone
    from {{ ref('stg_config__brands') }}

),

dated as (

    select
        snapshots.platform,
        snapshots.post_id,
        snapshots.account_id,
        snapshots.brand_id,
        {{ local_date('snapshots.fetched_at', 'brands.timezone') }} as activity_date,
        snapshots.likes,
        snapshots.comments,
        snapshots.shares,
        snapshots.saves,
        snapshots.clicks,
        snapshots.views,
        snapshots.impressions,
        snapshots.reach,
        snapshots.fetched_at
    from snapshots
    left join brands
        on snapshots.brand_id = brands.brand_id

),

final as (

    select
        platform,
        post_id,
        account_id,
        brand_id,
        activity_date,
        fetched_at,
        row_number() over post_history = 1 as is_first_snapshot,
        likes - coalesce(lag(likes ignore nulls) over post_history, 0) as likes_delta,
        comments - coalesce(lag(comments ignore nulls) over post_history, 0) as comments_delta,
        shares - coalesce(lag(shares ignore nulls) over post_history, 0) as shares_delta,
        saves - coalesce(lag(saves ignore nulls) over post_history, 0) as saves_delta,
        clicks - coalesce(lag(clicks ignore nulls) over post_history, 0) as clicks_delta,
        views - coalesce(lag(views ignore nulls) over post_history, 0) as views_delta,
        impressions - coalesce(lag(impressions ignore nulls) over post_history, 0) as impressions_delta,
        reach - coalesce(lag(reach ignore nulls) over post_history, 0) as reach_delta
    from dated
    window post_history as (partition by platform, post_id order by fetched_at)

)

select * from final
