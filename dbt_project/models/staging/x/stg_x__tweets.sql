with

source as (

    select * from {{ source('lake', 'x__tweets') }}

),

renamed as (

    select
        -- ids
        'x' as platform,
        coalesce(author_id, capture_account_id) as account_id,
        tweet_id,
        conversation_id,
        in_reply_to_user_id,
        replied_to_tweet_id,
        quoted_tweet_id,
        retweeted_tweet_id,
        -- dimensions
        text,
        lang as language,
        replied_to_tweet_id is not null as is_reply,
        retweeted_tweet_id is not null as is_retweet,
        quoted_tweet_id is not null as is_quote,
        -- measures (lifetime)
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
