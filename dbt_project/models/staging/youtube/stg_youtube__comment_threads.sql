with

source as (

    select * from {{ source('lake', 'youtube__comment_threads') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'youtube'

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        -- the channel that owns the video (commentThreads snippet.channelId)
        coalesce(channel_id, capture_account_id) as account_id,
        comment_id,
        thread_id,
        video_id,
        parent_comment_id,
        author_channel_id,
        -- dimensions
        author_display_name,
        text,
        -- measures
        like_count,
        -- timestamps
        published_at as created_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

),

final as (

    select
        renamed.*,
        {{ local_date('renamed.created_at', 'accounts.timezone') }} as created_date

    from renamed
    left join accounts
        on renamed.account_id = accounts.account_id

)

select * from final
