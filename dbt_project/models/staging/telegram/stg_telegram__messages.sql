with

source as (

    select * from {{ source('lake', 'telegram__messages') }}

),

renamed as (

    select
        -- ids
        'telegram' as platform,
        coalesce(channel_id, capture_account_id) as account_id,
        post_id,
        message_id,
        reply_to_message_id,
        -- dimensions
        text,
        -- measures (lifetime)
        reactions_total,
        replies,
        forwards,
        views,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
