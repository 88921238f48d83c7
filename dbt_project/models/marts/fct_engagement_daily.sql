-- Account-day activity from per-post snapshot deltas, dated at the later snapshot's local date.
-- Rows: every local date from the account's first to its last snapshot (post metrics or followers).
-- A day without post snapshots has 0 for the metrics the account reports and NULL for those it never
-- reports; a day with snapshots sums the known deltas (NULL only when every delta is unknown).

with

deltas as (

    select * from {{ ref('int_post_metric_deltas') }}

),

posts as (

    select * from {{ ref('int_posts') }}

),

followers_end_of_day as (

    select * from {{ ref('int_account_followers_end_of_day') }}

),

snapshot_dates as (

    select
        platform,
        account_id,
        brand_id,
        activity_date as snapshot_date
    from deltas
    union
    select
        platform,
        account_id,
        brand_id,
        local_date as snapshot_date
    from followers_end_of_day

),

account_spans as (

    select
        platform,
        account_id,
        brand_id,
        min(snapshot_date) as first_date,
        max(snapshot_date) as last_date
    from snapshot_dates
    group by platform, account_id, brand_id

),

spine as (

    select
        platform,
        account_id,
        brand_id,
        cast(unnest(generate_series(first_date, last_date, interval 1 day)) as date) as date
    from account_spans

),

-- Which metrics the account's platform reports at all (any known value in any post snapshot).
reported_metrics as (

    select
        platform,
        account_id,
        bool_or(likes_delta is not null) as reports_likes,
        bool_or(comments_delta is not null) as reports_comments,
        bool_or(shares_delta is not null) as reports_shares,
        bool_or(saves_delta is not null) as reports_saves,
        bool_or(clicks_delta is not null) as reports_clicks,
        bool_or(views_delta is not null) as reports_views,
        bool_or(impressions_delta is not null) as reports_impressions,
        bool_or(reach_delta is not null) as reports_reach
    from deltas
    group by platform, account_id

),

daily_activity as (

    select
        platform,
        account_id,
        activity_date as date,
        sum(likes_delta) as likes,
        sum(comments_delta) as comments,
        sum(shares_delta) as shares,
        sum(saves_delta) as saves,
        sum(clicks_delta) as clicks,
        sum(views_delta) as views,
        sum(impressions_delta) as impressions,
        sum(reach_delta) as reach
    from deltas
    group by platform, account_id, activity_date

),

daily_posts as (

    select
        platform,
        account_id,
        published_date as date,
        count(*) as posts_published
    from posts
    group by platform, account_id, published_date

),

joined as (

    select
        spine.date,
        spine.platform,
        spine.account_id,
        spine.brand_id,
        daily_activity.likes,
        daily_activity.comments,
        daily_activity.shares,
        daily_activity.saves,
        daily_activity.clicks,
        daily_activity.views,
        daily_activity.impressions,
        daily_activity.reach,
        followers_end_of_day.followers as followers_that_day,
        coalesce(daily_posts.posts_published, 0) as posts_published,
        daily_activity.date is not null as has_snapshots,
        coalesce(reported_metrics.reports_likes, false) as reports_likes,
        coalesce(reported_metrics.reports_comments, false) as reports_comments,
        coalesce(reported_metrics.reports_shares, false) as reports_shares,
        coalesce(reported_metrics.reports_saves, false) as reports_saves,
        coalesce(reported_metrics.reports_clicks, false) as reports_clicks,
        coalesce(reported_metrics.reports_views, false) as reports_views,
        coalesce(reported_metrics.reports_impressions, false) as reports_impressions,
        coalesce(reported_metrics.reports_reach, false) as reports_reach
    from spine
    left join daily_activity
        on
            spine.platform = daily_activity.platform
            and spine.account_id = daily_activity.account_id
            and spine.date = daily_activity.date
    left join daily_posts
        on
            spine.platform = daily_posts.platform
            and spine.account_id = daily_posts.account_id
            and spine.date = daily_posts.date
    left join reported_metrics
        on
            spine.platform = reported_metrics.platform
            and spine.account_id = reported_metrics.account_id
    left join followers_end_of_day
        on
            spine.platform = followers_end_of_day.platform
            and spine.account_id = followers_end_of_day.account_id
            and spine.date = followers_end_of_day.local_date

),

filled as (

    select
        date,
        platform,
        account_id,
        brand_id,
        posts_published,
        case when has_snapshots then likes when reports_likes then 0 end as likes,
        case when has_snapshots then comments when reports_comments then 0 end as comments,
        case when has_snapshots then shares when reports_shares then 0 end as shares,
        case when has_snapshots then saves when reports_saves then 0 end as saves,
        case when has_snapshots then clicks when reports_clicks then 0 end as clicks,
        case when has_snapshots then views when reports_views then 0 end as views,
        case when has_snapshots then impressions when reports_impressions then 0 end as impressions,
        case when has_snapshots then reach when reports_reach then 0 end as reach,
        -- No snapshot that day: the latest earlier day's end-of-day followers (same rule as
        -- followers_at_publish).
        last_value(followers_that_day ignore nulls) over (
            partition by platform, account_id
            order by date
            rows between unbounded preceding and current row
        ) as followers
    from joined

),

final as (

    select
        cast(date as date) as date,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(brand_id as varchar) as brand_id,
        cast(posts_published as bigint) as posts_published,
        cast(likes as bigint) as likes,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(saves as bigint) as saves,
        cast(clicks as bigint) as clicks,
        cast(views as bigint) as views,
        cast(impressions as bigint) as impressions,
        cast(reach as bigint) as reach,
        cast({{ engagements_sum('likes', 'comments', 'shares', 'saves') }} as bigint) as engagements,
        cast(followers as bigint) as followers,
        {{ safe_ratio(engagements_sum('likes', 'comments', 'shares', 'saves'), 'followers') }}
            as engagement_rate_by_followers,
        {{ safe_ratio('shares', 'followers') }} as amplification_rate,
        -- Impressions unknown (deprecated or never provided): fall back to views.
        case
            when impressions is null then {{ safe_ratio('shares', 'views') }}
            else {{ safe_ratio('shares', 'impressions') }}
        end as virality_rate,
        {{ safe_ratio('likes', 'followers') }} as applause_rate,
        {{ safe_ratio('comments', 'followers') }} as conversation_rate
    from filled

)

select * from final
