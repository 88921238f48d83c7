-- Follower (subscriber, member) counts of tracked accounts, one per account snapshot, across platforms.
with

snapshots as (

    select
        platform,
        account_id,
        fetched_at,
        -- followers_count is the current Page metric; fan_count (likes) only where it is missing
        coalesce(followers_count, fan_count) as followers,
        source_file,
        source_line
    from {{ ref('stg_facebook__pages') }}
    union all
    select
        platform,
        account_id,
        fetched_at,
        followers_count as followers,
        source_file,
        source_line
    from {{ ref('stg_instagram__users') }}
    union all
    select
        platform,
        account_id,
        fetched_at,
        followers_count as followers,
        source_file,
        source_line
    from {{ ref('stg_x__users') }}
    union all
    select
        platform,
        account_id,
        fetched_at,
        follower_count as followers,
        source_file,
        source_line
    from {{ ref('stg_linkedin__organizations') }}
    union all
    select
        platform,
        account_id,
        fetched_at,
        -- a hidden subscriber count is not a count
        case when not is_subscriber_count_hidden then subscriber_count end as followers,
        source_file,
        source_line
    from {{ ref('stg_youtube__channels') }}
    union all
    select
        platform,
        account_id,
        fetched_at,
        follower_count as followers,
        source_file,
        source_line
    from {{ ref('stg_tiktok__users') }}
    union all
    select
        platform,
        account_id,
        fetched_at,
        members_count as followers,
        source_file,
        source_line
    from {{ ref('stg_vk__groups') }}
    union all
    select
        platform,
        account_id,
        fetched_at,
        participants_count as followers,
        source_file,
        source_line
    from {{ ref('stg_telegram__channels') }}

),

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

final as (

    select
        -- ids
        snapshots.platform,
        snapshots.account_id,
        tracked_accounts.brand_id,
        -- timestamps
        snapshots.fetched_at,
        -- the brand-local date of the capture (brands.yml timezone)
        {{ local_date('snapshots.fetched_at', 'tracked_accounts.timezone') }} as local_date,
        -- measures
        cast(snapshots.followers as bigint) as followers

    from snapshots
    inner join tracked_accounts
        on
            snapshots.platform = tracked_accounts.platform
            and snapshots.account_id = tracked_accounts.account_id
    -- one capture per account and time (a repeated capture of the same instant is the same snapshot)
    qualify row_number() over (
            partition by snapshots.platform, snapshots.account_id, snapshots.fetched_at
            order by snapshots.source_file desc, snapshots.source_line desc
        ) = 1

)

select * from final
