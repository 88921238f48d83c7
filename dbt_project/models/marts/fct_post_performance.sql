-- Lifetime performance of every tracked post (own and competitor accounts): the latest snapshot
-- wins. followers_at_publish = the account's followers at the end of the post's publish local date
-- (latest snapshot that day; if none that day, the latest earlier one; NULL if tracking began later).

with

posts as (

    select * from {{ ref('int_posts') }}

),

snapshots as (

    select * from {{ ref('int_post_metric_snapshots') }}

),

followers_end_of_day as (

    select * from {{ ref('int_account_followers_end_of_day') }}

),

latest_snapshots as (

    select *
    from snapshots
    qualify row_number() over (partition by platform, post_id order by fetched_at desc) = 1

),

followers_at_publish as (

    select
        posts.platform,
        posts.post_id,
        followers_end_of_day.followers
    from posts
    inner join followers_end_of_day
        on
            posts.platform = followers_end_of_day.platform
            and posts.account_id = followers_end_of_day.account_id
            and posts.published_date >= followers_end_of_day.local_date
            and followers_end_of_day.followers is not null
    qualify row_number() over (
            partition by posts.platform, posts.post_id
            order by followers_end_of_day.local_date desc
        ) = 1

),

joined as (

    select
        posts.platform,
        posts.post_id,
        posts.brand_id,
        posts.published_date,
        latest_snapshots.likes,
        latest_snapshots.comments,
        latest_snapshots.shares,
        latest_snapshots.saves,
        latest_snapshots.clicks,
        latest_snapshots.views,
        latest_snapshots.impressions,
        latest_snapshots.reach,
        {{ engagements_sum(
            'latest_snapshots.likes', 'latest_snapshots.comments',
            'latest_snapshots.shares', 'latest_snapshots.saves'
        ) }} as engagements,
        followers_at_publish.followers as followers_at_publish,
        latest_snapshots.fetched_at as snapshot_fetched_at
    from posts
    left join latest_snapshots
        on
            posts.platform = latest_snapshots.platform
            and posts.post_id = latest_snapshots.post_id
    left join followers_at_publish
        on
            posts.platform = followers_at_publish.platform
            and posts.post_id = followers_at_publish.post_id

),

final as (

    select
        cast(platform as varchar) as platform,
        cast(post_id as varchar) as post_id,
        cast(brand_id as varchar) as brand_id,
        cast(published_date as date) as published_date,
        cast(likes as bigint) as likes,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(saves as bigint) as saves,
        cast(clicks as bigint) as clicks,
        cast(views as bigint) as views,
        cast(impressions as bigint) as impressions,
        cast(reach as bigint) as reach,
        cast(engagements as bigint) as engagements,
        cast(followers_at_publish as bigint) as followers_at_publish,
        {{ safe_ratio('engagements', 'followers_at_publish') }} as engagement_rate_by_followers,
        {{ safe_ratio('engagements', 'reach') }} as engagement_rate_by_reach,
        {{ safe_ratio('engagements', 'impressions') }} as engagement_rate_by_impressions,
        {{ safe_ratio('engagements', 'views') }} as engagement_rate_by_views,
        cast(snapshot_fetched_at as timestamp with time zone) as snapshot_fetched_at
    from joined

)

select * from final
