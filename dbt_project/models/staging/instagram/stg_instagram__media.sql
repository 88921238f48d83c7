with

source as (

    select * from {{ source('lake', 'instagram__media') }}

),

renamed as (

    select
        -- ids
        'instagram' as platform,
        capture_account_id as account_id,
        media_id,
        -- dimensions
        caption as text,
        permalink as url,
        media_type,
        media_product_type,
        -- measures (lifetime)
        like_count,
        comments_count,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
