with

source as (

    select * from {{ source('lake', 'x__user') }}

),

renamed as (

    select
        -- ids
        'x' as platform,
        coalesce(user_id, capture_account_id) as account_id,
        -- dimensions
        username,
        -- measures
        followers_count,
        following_count,
        tweet_count,
        listed_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
