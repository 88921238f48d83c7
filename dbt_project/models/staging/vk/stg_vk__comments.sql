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

    select * from {{ source('lake', 'vk__comments') }}
    where {{ in_build_window() }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'vk'

),

renamed as (

    select
        -- ids
        'vk' as platform,
        coalesce(owner_id, capture_account_id) as account_id,
        comment_id,
        post_id,
        -- comment ids are '{owner_id}_{id}'; the API's reply_to_comment is the bare id
        case
            when reply_to_comment_id is null or contains(reply_to_comment_id, '_') then reply_to_comment_id
            else coalesce(owner_id, capture_account_id) || '_' || reply_to_comment_id
        end as parent_comment_id,
        from_id as author_id,
        reply_to_user_id,
        -- dimensions
        text,
        -- timestamps
        created_at,
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
        -- decided on the raw ids, before they are pseudonymised: a tracked community wrote the comment,
        -- or the comment answers one
        renamed.author_id in (select accounts.account_id from accounts) as is_tracked_author,
        renamed.reply_to_user_id in (select accounts.account_id from accounts) as is_reply_to_tracked

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
        {{ pseudonymised('flagged.reply_to_user_id', 'flagged.is_reply_to_tracked') }} as reply_to_user_id,
        -- dimensions
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
