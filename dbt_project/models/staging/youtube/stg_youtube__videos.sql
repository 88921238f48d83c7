with

source as (

    select * from {{ source('lake', 'youtube__videos') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'youtube'

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        coalesce(channel_id, capture_account_id) as account_id,
        video_id,
        -- dimensions
        title,
        description,
        'https://www.youtube.com/watch?v=' || video_id as url,
        -- measures (lifetime)
        view_count,
        like_count,
        comment_count,
        favorite_count,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

),

final as (

    select
        renamed.*,
        {{ local_date('renamed.published_at', 'accounts.timezone') }} as published_date,
        {{ local_date('renamed.fetched_at', 'accounts.timezone') }} as fetched_date

    from renamed
    left join accounts
        on renamed.account_id = accounts.account_id

)

select * from final
