-- A table, not a view: it holds pseudonymised identities, computed once in the build with the key only the
-- pipeline holds (a view would have to carry the key, or lack it, at read time).
-- Incremental by fetch date (the lake's partition): a build replaces the rows of the fetch dates whose
-- lake partitions changed (macro in_build_window); anything else rebuilds it in full (build_plan.py).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='fetch_date',
        on_schema_change='fail'
    )
}}

with

source as (

    select * from {{ source('lake', 'instagram__comments') }}
    where {{ in_build_window() }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'instagram'

),

tracked_handles as (

    select * from {{ ref('stg_config__tracked_handles') }}

),

renamed as (

    select
        -- ids
        'instagram' as platform,
        capture_account_id as account_id,
        comment_id,
        media_id,
        parent_comment_id,
        author_id,
        -- dimensions
        author_username,
        text,
        -- timestamps
        created_time as created_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from source

),

flagged as (

    -- decided on the raw values, before they are pseudonymised: a tracked account wrote this comment
    -- (Instagram withholds `from` on some comments; the username then identifies the account)
    select
        renamed.*,
        renamed.author_id in (select accounts.account_id from accounts) as is_tracked_id,
        lower(ltrim(renamed.author_username, '@')) in (
            select tracked_handles.handle from tracked_handles
        ) as is_tracked_handle

    from renamed

),

final as (

    select
        -- ids
        flagged.platform,
        flagged.account_id,
        flagged.comment_id,
        flagged.media_id,
        flagged.parent_comment_id,
        {{ pseudonymised('flagged.author_id', 'flagged.is_tracked_id') }} as author_id,
        -- dimensions
        {{ pseudonymised('flagged.author_username', 'flagged.is_tracked_handle') }} as author_username,
        coalesce(flagged.is_tracked_id, flagged.is_tracked_handle) as is_tracked_author,
        flagged.text,
        -- timestamps
        flagged.created_at,
        flagged.fetched_at,
        flagged.fetch_date,
        -- lineage
        flagged.source_file,
        flagged.source_line,
        {{ local_date('flagged.created_at', 'accounts.timezone') }} as created_date

    from flagged
    left join accounts
        on flagged.account_id = accounts.account_id

)

select * from final
