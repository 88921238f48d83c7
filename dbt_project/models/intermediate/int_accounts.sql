-- Tracked accounts with the handle and display name from their latest account snapshot.
with

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

snapshots as (

    select
        platform,
        account_id,
        cast(null as varchar) as handle,
        page_name as account_name,
        fetched_at
    from {{ ref('stg_facebook__pages') }}
    union all
    select
        platform,
        account_id,
        username as handle,
        cast(null as varchar) as account_name,
        fetched_at
    from {{ ref('stg_instagram__users') }}
    union all
    select
        platform,
        account_id,
        username as handle,
        cast(null as varchar) as account_name,
        fetched_at
    from {{ ref('stg_x__users') }}
    union all
    select
        platform,
        account_id,
        cast(null as varchar) as handle,
        cast(null as varchar) as account_name,
        fetched_at
    from {{ ref('stg_linkedin__organizations') }}
    union all
    select
        platform,
        account_id,
        cast(null as varchar) as handle,
        channel_title as account_name,
        fetched_at
    from {{ ref('stg_youtube__channels') }}
    union all
    select
        platform,
        account_id,
        cast(null as varchar) as handle,
        display_name as account_name,
        fetched_at
    from {{ ref('stg_tiktok__users') }}
    union all
    select
        platform,
        account_id,
        screen_name as handle,
        group_name as account_name,
        fetched_at
    from {{ ref('stg_vk__groups') }}
    union all
    select
        platform,
        account_id,
        username as handle,
        title as account_name,
        fetched_at
    from {{ ref('stg_telegram__channels') }}

),

latest as (

    select * from snapshots
    qualify row_number() over (partition by platform, account_id order by fetched_at desc) = 1

),

final as (

    select
        tracked_accounts.platform,
        tracked_accounts.account_id,
        tracked_accounts.brand_id,
        -- handles are stored without the leading '@'
        nullif(ltrim(latest.handle, '@'), '') as handle,
        latest.account_name

    from tracked_accounts
    left join latest
        on
            tracked_accounts.platform = latest.platform
            and tracked_accounts.account_id = latest.account_id

)

select * from final
