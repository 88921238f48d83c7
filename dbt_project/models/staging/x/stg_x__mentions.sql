-- Tweets found by the mentions search. Mentions are dated per competitor set downstream (the set's own
-- brand timezone), so no local date here.
with

source as (

    select * from {{ source('lake', 'x__mentions') }}

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
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
