with

source as (

    select * from {{ source('lake', 'tiktok__user') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'tiktok'

),

renamed as (

    select
        -- ids
        'tiktok' as platform,
        coalesce(open_id, capture_account_id) as account_id,
        -- dimensions
        display_name,
        -- measures
        follower_count,
        following_count,
        likes_count,
        video_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

),

final as (

    select
        renamed.*,
        {{ local_date('renamed.fetched_at', 'accounts.timezone') }} as fetched_date

    from renamed
    left join accounts
        on renamed.account_id = accounts.account_id

)

select * from final
