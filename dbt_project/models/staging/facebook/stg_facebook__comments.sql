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

    select * from {{ source('lake', 'facebook__comments') }}
    where {{ in_build_window() }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'facebook'

),

renamed as (

    select
        -- ids
        'facebook' as platform,
        coalesce(capture_account_id, split_part(post_id, '_', 1)) as account_id,
        comment_id,
        post_id,
        parent_comment_id,
        author_id,
        -- dimensions
        author_name,
        message as text,
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

    select
        renamed.*,
        -- decided on the raw id, before it is pseudonymised: a tracked Page wrote this comment
        renamed.author_id in (select accounts.account_id from accounts) as is_tracked_author

    from renamed

),

final as (

    select
        -- ids
        flagged.platform,
        flagged.account_id,
        flagged.comment_id,
        flagged.post_id,
        flagged.parent_comment_id,
        {{ pseudonymised('flagged.author_id', 'flagged.is_tracked_author') }} as author_id,
        -- dimensions
        {{ pseudonymised('flagged.author_name', 'flagged.is_tracked_author') }} as author_name,
        flagged.is_tracked_author,
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
