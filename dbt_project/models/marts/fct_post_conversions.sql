-- What each own post brought to the brand's site over its life: the social sessions attributed to it
-- (int_post_site_sessions: by utm_content, else by landing page), their key events and revenue, and how
-- many of the post's link clicks became sessions where the platform counts clicks.
with

attributed as (

    select * from {{ ref('int_post_site_sessions') }}

),

performance as (

    select * from {{ ref('fct_post_performance') }}

),

per_post as (

    select
        platform,
        post_id,
        brand_id,
        sum(sessions) as sessions,
        sum(engaged_sessions) as engaged_sessions,
        sum(conversions) as conversions,
        sum(revenue) as revenue
    from attributed
    group by platform, post_id, brand_id

),

final as (

    select
        cast(per_post.platform as varchar) as platform,
        cast(per_post.post_id as varchar) as post_id,
        cast(per_post.brand_id as varchar) as brand_id,
        cast(per_post.sessions as bigint) as sessions,
        cast(per_post.engaged_sessions as bigint) as engaged_sessions,
        cast(per_post.conversions as double) as conversions,
        cast(per_post.revenue as double) as revenue,
        cast(performance.clicks as bigint) as clicks,
        {{ safe_ratio('per_post.sessions', 'performance.clicks') }} as click_to_session_rate,
        {{ safe_ratio('per_post.conversions', 'per_post.sessions') }} as conversion_rate
    from per_post
    left join performance
        on per_post.platform = performance.platform and per_post.post_id = performance.post_id
    where per_post.sessions > 0

)

select * from final
