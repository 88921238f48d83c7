with

source as (

    select * from {{ source('lake', 'tiktok__videos') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'tiktok'

),

renamed as (

    select
        -- ids
        'tiktok' as platform,
        capture_account_id as account_id,
        video_id,
        -- dimensions
        title,
        description,
        share_url as url,
        -- measures (lifetime)
        like_count,
        comment_count,
        share_count,
        view_count,
        -- timestamps
        created_at as published_at,
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
