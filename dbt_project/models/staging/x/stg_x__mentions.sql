-- Tweets found by the mentions search. Mentions are dated per competitor set downstream (the set's own
-- brand timezone), so no local date here.
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

    select * from {{ source('lake', 'x__mentions') }}
    where {{ in_build_window() }}

),

renamed as (

    select
        -- ids
        'x' as platform,
        -- the tracked account the search ran for, not the tweet's author
        capture_account_id as account_id,
        tweet_id,
        {{ pseudonymised('author_id') }} as author_id,
        conversation_id,
        {{ pseudonymised('in_reply_to_user_id') }} as in_reply_to_user_id,
        replied_to_tweet_id,
        -- dimensions
        {{ pseudonymised(normalised_handle('author_username')) }} as author_username,
        text,
        lang as language,
        -- measures
        author_followers,
        like_count,
        reply_count,
        retweet_count,
        quote_count,
        bookmark_count,
        impression_count,
        -- timestamps
        created_at as published_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
