-- Posts found by newsfeed.search (mentions). Dated per competitor set downstream, so no local date here.
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

    select * from {{ source('lake', 'vk__search') }}
    where {{ in_build_window() }}

),

renamed as (

    select
        -- ids
        'vk' as platform,
        -- the tracked account the search ran for, not the post's author
        capture_account_id as account_id,
        post_id,
        -- the wall owner and the writer
        {{ pseudonymised('owner_id') }} as owner_id,
        {{ pseudonymised('from_id') }} as from_id,
        -- dimensions
        text,
        'https://vk.com/wall' || post_id as url,
        -- measures
        likes_count,
        comments_count,
        reposts_count,
        views_count,
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
