with

source as (

    select * from {{ source('lake', 'youtube__videos') }}

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        coalesce(channel_id, capture_account_id) as account_id,
        video_id,
        -- dimensions
        title,
        description,
        'https://www.youtube.com/watch?v=' || video_id as url,
        -- measures (lifetime)
        view_count,
        like_count,
        comment_count,
        favorite_count,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
