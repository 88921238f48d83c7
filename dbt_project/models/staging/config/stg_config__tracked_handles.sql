-- Handles that belong to tracked brand accounts, lower case without '@': the '@' aliases in brands.yml
-- and every username the tracked accounts' own snapshots carried. Staging keeps these readable when
-- they appear as a comment or mention author (an organisation, not a person); every other handle is
-- pseudonymised before it leaves staging.
with

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

snapshot_handles as (

    select
        platform,
        account_id,
        username as handle
    from {{ ref('stg_instagram__users') }}
    union all
    select
        platform,
        account_id,
        username as handle
    from {{ ref('stg_x__users') }}
    union all
    select
        platform,
        account_id,
        screen_name as handle
    from {{ ref('stg_vk__groups') }}
    union all
    select
        platform,
        account_id,
        username as handle
    from {{ ref('stg_telegram__channels') }}

),

alias_handles as (

    select alias as handle
    from {{ ref('stg_config__brand_aliases') }}
    where starts_with(alias, '@')

),

handles as (

    select snapshot_handles.handle
    from snapshot_handles
    inner join tracked_accounts
        on
            snapshot_handles.platform = tracked_accounts.platform
            and snapshot_handles.account_id = tracked_accounts.account_id
    union
    select handle from alias_handles

),

final as (

    select distinct lower(ltrim(handle, '@')) as handle
    from handles
    where nullif(ltrim(handle, '@'), '') is not null

)

select * from final
