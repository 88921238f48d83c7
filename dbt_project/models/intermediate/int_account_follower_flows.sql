-- Daily followers gained / lost as the platforms report them (not derived from snapshots). For each
-- account, date and metric the latest capture wins (platforms restate recent days).
with

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

facebook as (

    select
        insights.platform,
        insights.account_id,
        -- end_time closes the day (local midnight of the next day): the day is the one just before it
        {{ local_date("insights.end_time - interval '1 second'", 'tracked_accounts.timezone') }} as flow_date,
        case insights.metric_name
            when 'page_daily_follows_unique' then 'gained'
            when 'page_daily_unfollows_unique' then 'lost'
        end as direction,
        cast(round(insights.metric_value) as bigint) as followers,
        insights.fetched_at
    from {{ ref('stg_facebook__page_insights') }} as insights
    inner join tracked_accounts
        on
            insights.platform = tracked_accounts.platform
            and insights.account_id = tracked_accounts.account_id
    where
        insights.metric_name in ('page_daily_follows_unique', 'page_daily_unfollows_unique')
        and coalesce(insights.period, 'day') = 'day'
        and insights.end_time is not null

),

instagram as (

    -- follower_count (period day) = new followers that day; Instagram reports no unfollows
    select
        insights.platform,
        insights.account_id,
        {{ local_date("insights.end_time - interval '1 second'", 'tracked_accounts.timezone') }} as flow_date,
        'gained' as direction,
        cast(round(insights.metric_value) as bigint) as followers,
        insights.fetched_at
    from {{ ref('stg_instagram__user_insights') }} as insights
    inner join tracked_accounts
        on
            insights.platform = tracked_accounts.platform
            and insights.account_id = tracked_accounts.account_id
    where
        insights.metric_name = 'follower_count'
        and coalesce(insights.period, 'day') = 'day'
        and insights.end_time is not null

),

linkedin as (

    select
        platform,
        account_id,
        metric_date as flow_date,
        'gained' as direction,
        case
            when organic_follower_gain is not null or paid_follower_gain is not null
                then coalesce(organic_follower_gain, 0) + coalesce(paid_follower_gain, 0)
        end as followers,
        fetched_at
    from {{ ref('stg_linkedin__follower_statistics') }}
    where metric_date is not null

),

youtube_latest_exports as (

    -- a day's breakdown rows are summed from the latest export that covers that day
    select *
    from {{ ref('stg_youtube__channel_basic_a3') }}
    qualify fetched_at = max(fetched_at) over (partition by account_id, report_date)

),

youtube as (

    select
        platform,
        account_id,
        report_date as flow_date,
        direction,
        followers,
        fetched_at
    from (
        select
            platform,
            account_id,
            report_date,
            fetched_at,
            cast(sum(subscribers_gained) as bigint) as gained,
            cast(sum(subscribers_lost) as bigint) as lost
        from youtube_latest_exports
        group by platform, account_id, report_date, fetched_at
    ) as daily
    unpivot (followers for direction in (gained, lost))

),

flows as (

    select * from facebook
    union all
    select * from instagram
    union all
    select * from linkedin
    union all
    select * from youtube

),

latest as (

    select * from flows
    qualify row_number() over (
            partition by platform, account_id, flow_date, direction
            order by fetched_at desc, followers desc
        ) = 1

),

final as (

    select
        -- ids
        latest.platform,
        latest.account_id,
        tracked_accounts.brand_id,
        -- dates
        latest.flow_date as date,
        -- measures
        max(latest.followers) filter (where latest.direction = 'gained') as followers_gained,
        max(latest.followers) filter (where latest.direction = 'lost') as followers_lost

    from latest
    inner join tracked_accounts
        on
            latest.platform = tracked_accounts.platform
            and latest.account_id = tracked_accounts.account_id
    group by latest.platform, latest.account_id, tracked_accounts.brand_id, latest.flow_date

)

select * from final
