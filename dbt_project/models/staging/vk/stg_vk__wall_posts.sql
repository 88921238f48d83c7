with

source as (

    select * from {{ source('lake', 'vk__wall') }}

),

renamed as (

    select
        -- ids
        'vk' as platform,
        coalesce(owner_id, capture_account_id) as account_id,
        post_id,
        owner_id,
        from_id,
        -- dimensions
        text,
        'https://vk.com/wall' || post_id as url,
        coalesce(is_pinned, false) as is_pinned,
        coalesce(is_repost, false) as is_repost,
        -- measures (lifetime)
        likes_count,
        comments_count,
        reposts_count,
        views_count,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
