-- Videos found by the mentions search. Dated per competitor set downstream, so no local date here.
with

source as (

    select * from {{ source('lake', 'youtube__search') }}

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        -- the tracked account the search ran for, not the video's channel
        capture_account_id as account_id,
        video_id,
        channel_id,
        -- dimensions
        channel_title,
        title,
        description,
        'https://www.youtube.com/watch?v=' || video_id as url,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
