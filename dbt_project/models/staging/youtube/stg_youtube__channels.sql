with

source as (

    select * from {{ source('lake', 'youtube__channel') }}

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        coalesce(channel_id, capture_account_id) as account_id,
        -- dimensions
        title as channel_title,
        coalesce(hidden_subscriber_count, false) as is_subscriber_count_hidden,
        -- measures
        subscriber_count,
        view_count,
        video_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
