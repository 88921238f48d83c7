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

    select * from {{ source('lake', 'youtube__comment_threads') }}
    where {{ in_build_window() }}

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        -- the channel that owns the video (commentThreads snippet.channelId)
        coalesce(channel_id, capture_account_id) as account_id,
        comment_id,
        thread_id,
        video_id,
        parent_comment_id,
        {{ pseudonymised('author_channel_id') }} as author_channel_id,
        -- dimensions
        {{ pseudonymised('author_display_name') }} as author_display_name,
        text,
        -- measures
        like_count,
        -- timestamps
        published_at as created_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
