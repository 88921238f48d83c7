-- The tracked brand accounts' own ids and handles next to their pseudonyms. Staging pseudonymises every
-- author, brand accounts too (it reads its source only, so a brands.yml change does not rebuild it);
-- intermediate models join this table on the pseudonym to recognise a tracked account (an organisation,
-- not a person) and put its readable id or handle back. Same macro, same key: the same pseudonym.
with

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

-- every username the tracked accounts' own snapshots carried, and the brands' '@' aliases
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

tracked_handles as (

    select distinct {{ normalised_handle('handle') }} as handle
    from handles
    where nullif(ltrim(handle, '@'), '') is not null

),

account_ids as (

    select distinct
        platform,
        'account_id' as identity_kind,
        account_id as identity
    from tracked_accounts

),

-- a handle is recognised on any platform: listening exports and '@' aliases name no platform
handle_identities as (

    select
        cast(null as varchar) as platform,
        'handle' as identity_kind,
        handle as identity
    from tracked_handles

),

identities as (

    select * from account_ids
    union all
    select * from handle_identities

),

final as (

    select
        platform,
        identity_kind,
        identity,
        {{ pseudonymised('identity') }} as pseudonym

    from identities

)

select * from final
