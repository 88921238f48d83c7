with

source as (

    select * from {{ source('lake', 'linkedin__posts') }}

),

renamed as (

    select
        -- ids
        'linkedin' as platform,
        coalesce(author_urn, capture_account_id) as account_id,
        post_urn,
        -- dimensions
        commentary as text,
        lifecycle_state,
        visibility,
        -- LinkedIn has no permalink field; the feed URL of a post is built from its URN
        'https://www.linkedin.com/feed/update/' || post_urn || '/' as url,
        -- timestamps
        coalesce(published_at, created_at) as published_at,
        created_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
