-- Tweets found by the mentions search. Mentions are dated per competitor set downstream (the set's own
-- brand timezone), so no local date here.
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

    select * from {{ source('lake', 'x__mentions') }}
    where {{ in_build_window() }}

),

tracked_ids as (

    select account_id from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'x'

),

tracked_handles as (

    select * from {{ ref('stg_config__tracked_handles') }}

),

renamed as (

    select
        -- ids
        'x' as platform,
        -- the tracked account the search ran for, not the tweet's author
        capture_account_id as account_id,
        tweet_id,
        author_id,
        conversation_id,
        in_reply_to_user_id,
        replied_to_tweet_id,
        -- dimensions
        author_username,
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

),

flagged as (

    -- decided on the raw values, before they are pseudonymised: which ids and handles are tracked
    -- brand accounts (organisations, kept readable) rather than people
    select
        renamed.*,
        renamed.author_id in (select tracked_ids.account_id from tracked_ids) as is_tracked_author,
        renamed.in_reply_to_user_id in (select tracked_ids.account_id from tracked_ids) as is_reply_to_tracked,
        lower(ltrim(renamed.author_username, '@')) in (
            select tracked_handles.handle from tracked_handles
        ) as is_tracked_handle

    from renamed

),

final as (

    select
        -- ids
        platform,
        account_id,
        tweet_id,
        {{ pseudonymised('author_id', 'is_tracked_author') }} as author_id,
        conversation_id,
        {{ pseudonymised('in_reply_to_user_id', 'is_reply_to_tracked') }} as in_reply_to_user_id,
        replied_to_tweet_id,
        -- dimensions
        {{ pseudonymised('author_username', 'is_tracked_author or is_tracked_handle') }} as author_username,
        is_tracked_author,
        text,
        language,
        -- measures
        author_followers,
        like_count,
        reply_count,
        retweet_count,
        quote_count,
        bookmark_count,
        impression_count,
        -- timestamps
        published_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from flagged

)

select * from final
