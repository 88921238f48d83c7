with

source as (

    select * from {{ source('lake', 'facebook__posts') }}

),

renamed as (

    select
        -- ids
        'facebook' as platform,
        -- post ids are '{page-id}_{post-id}': the prefix names the page when the envelope does not
        coalesce(capture_account_id, split_part(post_id, '_', 1)) as account_id,
        post_id,
        -- dimensions
        message as text,
        permalink_url as url,
        status_type,
        is_hidden,
        is_published,
        -- measures (lifetime)
        reactions_total,
        comments_total,
        shares_count,
        -- timestamps
        created_time as published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
