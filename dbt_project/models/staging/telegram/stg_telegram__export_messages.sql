-- Telegram Desktop export of the own channel: no views; published_at comes from date_unixtime (UTC).
with

source as (

    select * from {{ source('lake', 'telegram__export') }}

),

renamed as (

    select
        -- ids
        'telegram' as platform,
        coalesce(channel_id, capture_account_id) as account_id,
        post_id,
        message_id,
        author_id,
        -- dimensions
        message_type,
        author as author_name,
        text,
        -- measures (at export time)
        reactions_total,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
