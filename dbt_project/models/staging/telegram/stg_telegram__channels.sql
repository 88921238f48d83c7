with

source as (

    select * from {{ source('lake', 'telegram__channel') }}

),

renamed as (

    select
        -- ids
        'telegram' as platform,
        coalesce(channel_id, capture_account_id) as account_id,
        -- dimensions
        title,
        username,
        -- measures
        participants_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
