with

source as (

    select * from {{ source('lake', 'instagram__user') }}

),

renamed as (

    select
        -- ids
        'instagram' as platform,
        coalesce(user_id, capture_account_id) as account_id,
        -- dimensions
        username,
        -- measures
        followers_count,
        follows_count,
        media_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
