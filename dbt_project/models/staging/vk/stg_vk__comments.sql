-- A table, not a view: it holds pseudonymised identities, computed once in the build with the key only the
-- pipeline holds (a view would have to carry the key, or lack it, at read time). Every author is
-- pseudonymised here, a tracked brand account too: staging reads its source only, and intermediate
-- recognises the tracked accounts by pseudonym (int_tracked_pseudonyms).
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
        {{ pseudonymised('from_id') }} as author_id,
        {{ pseudonymised('reply_to_user_id') }} as reply_to_user_id,
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

)

select * from renamed
