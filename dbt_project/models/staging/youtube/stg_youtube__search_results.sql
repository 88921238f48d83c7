-- Videos found by the mentions search. Dated per competitor set downstream, so no local date here.
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

    select * from {{ source('lake', 'youtube__search') }}
    where {{ in_build_window() }}

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        -- the tracked account the search ran for, not the video's channel
        capture_account_id as account_id,
        video_id,
        -- the video's channel
        {{ pseudonymised('channel_id') }} as channel_id,
        -- dimensions
        {{ pseudonymised('channel_title') }} as channel_title,
        title,
        description,
        'https://www.youtube.com/watch?v=' || video_id as url,
        -- timestamps
        published_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
