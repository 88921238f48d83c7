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

    select * from {{ source('lake', 'instagram__comments') }}
    where {{ in_build_window() }}

),

renamed as (

    select
        -- ids
        'instagram' as platform,
        capture_account_id as account_id,
        comment_id,
        media_id,
        parent_comment_id,
        {{ pseudonymised('author_id') }} as author_id,
        -- dimensions
        -- Instagram withholds `from` on some comments; the username then identifies the author
        {{ pseudonymised(normalised_handle('author_username')) }} as author_username,
        text,
        -- timestamps
        created_time as created_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
