with

source as (

    select * from {{ source('lake', 'tiktok__videos') }}

),

renamed as (

    select
        -- ids
        'tiktok' as platform,
        capture_account_id as account_id,
        video_id,
        -- dimensions
        title,
        description,
        share_url as url,
        -- measures (lifetime)
        like_count,
        comment_count,
        share_count,
        view_count,
        -- timestamps
        created_at as published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
