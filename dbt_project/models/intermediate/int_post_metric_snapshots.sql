-- As-of post metrics. The snapshot grid of a post is every time it was captured, by its listing or by an
-- insight call; each metric at a grid time is the latest value observed at or before that time, so an
-- insight captured minutes after the listing never blanks out the listing's counters and vice versa.
-- Incremental by post: a build recomputes the whole history of every post captured in the build window
-- (macro keys_in_build_window), found in the captures now or in this table as it was built (a capture
-- that disappeared); every other post's rows depend on captures outside the window only. Its brand comes from brands.yml, so a brands.yml change rebuilds it in full (run_plan.py).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['platform', 'post_id'],
        on_schema_change='fail',
        post_hook="{{ delete_keys_gone(ref('int_posts'), ['platform', 'post_id']) }}"
    )
}}

with

posts as (

    select * from {{ ref('int_posts') }}

),

{% if is_incremental() %}
    rebuilt_posts as (

        {{ keys_in_build_window(
            [ref('int_post_listing_captures'), ref('int_post_insight_captures'), this],
            ['platform', 'post_id']
        ) }}

    ),
{% endif %}

observations as (

    select
        platform,
        post_id,
        fetched_at,
        likes,
        comments,
        shares,
        saves,
        clicks,
        views,
        impressions,
        reach
    from {{ ref('int_post_listing_captures') }}
    where is_post
    union all
    select
        platform,
        post_id,
        fetched_at,
        likes,
        comments,
        shares,
        saves,
        clicks,
        views,
        impressions,
        reach
    from {{ ref('int_post_insight_captures') }}

),

grid as (

    -- one row per post per capture time; captures at the same instant are merged
    select
        observations.platform,
        observations.post_id,
        observations.fetched_at,
        max(observations.likes) as likes,
        max(observations.comments) as comments,
        max(observations.shares) as shares,
        max(observations.saves) as saves,
        max(observations.clicks) as clicks,
        max(observations.views) as views,
        max(observations.impressions) as impressions,
        max(observations.reach) as reach
    from observations
    inner join posts
        on
            observations.platform = posts.platform
            and observations.post_id = posts.post_id
    {% if is_incremental() %}
        inner join rebuilt_posts
            on
                observations.platform = rebuilt_posts.platform
                and observations.post_id = rebuilt_posts.post_id
    {% endif %}
    group by observations.platform, observations.post_id, observations.fetched_at

),

as_of as (

    select
        platform,
        post_id,
        fetched_at,
        last_value(likes ignore nulls) over post_history as likes,
        last_value(comments ignore nulls) over post_history as comments,
        last_value(shares ignore nulls) over post_history as shares,
        last_value(saves ignore nulls) over post_history as saves,
        last_value(clicks ignore nulls) over post_history as clicks,
        last_value(views ignore nulls) over post_history as views,
        last_value(impressions ignore nulls) over post_history as impressions,
        last_value(reach ignore nulls) over post_history as reach
    from grid
    window post_history as (
        partition by platform, post_id
        order by fetched_at
        rows between unbounded preceding and current row
    )

),

final as (

    select
        -- ids
        as_of.platform,
        as_of.post_id,
        posts.account_id,
        posts.brand_id,
        -- timestamps
        as_of.fetched_at,
        -- measures (lifetime, as of fetched_at; NULL = not reported by the platform)
        cast(as_of.likes as bigint) as likes,
        cast(as_of.comments as bigint) as comments,
        cast(as_of.shares as bigint) as shares,
        cast(as_of.saves as bigint) as saves,
        cast(as_of.clicks as bigint) as clicks,
        cast(as_of.views as bigint) as views,
        cast(as_of.impressions as bigint) as impressions,
        cast(as_of.reach as bigint) as reach

    from as_of
    inner join posts
        on
            as_of.platform = posts.platform
            and as_of.post_id = posts.post_id

)

select * from final
