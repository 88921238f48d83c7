with

source as (

    select * from {{ source('lake', 'facebook__page') }}

),

renamed as (

    select
        -- ids
        'facebook' as platform,
        coalesce(page_id, capture_account_id) as account_id,
        -- dimensions
        page_name,
        -- measures
        followers_count,
        fan_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
