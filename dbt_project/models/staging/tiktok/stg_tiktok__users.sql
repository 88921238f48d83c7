with

source as (

    select * from {{ source('lake', 'tiktok__user') }}

),

renamed as (

    select
        -- ids
        'tiktok' as platform,
        coalesce(open_id, capture_account_id) as account_id,
        -- dimensions
        display_name,
        -- measures
        follower_count,
        following_count,
        likes_count,
        video_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
