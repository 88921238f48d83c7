-- Posts found by newsfeed.search (mentions). Dated per competitor set downstream, so no local date here.
with

source as (

    select * from {{ source('lake', 'vk__search') }}

),

renamed as (

    select
        -- ids
        'vk' as platform,
        -- the tracked account the search ran for, not the post's author
        capture_account_id as account_id,
        post_id,
        owner_id,
        from_id,
        -- dimensions
        text,
        'https://vk.com/wall' || post_id as url,
        -- measures
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
