with

source as (

    select * from {{ source('lake', 'instagram__user') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'instagram'

),

renamed as (

    select
        -- ids
        'instagram' as platform,
        coalesce(user_id, capture_account_id) as account_id,
        -- dimensions
        username,
        -- measures
        followers_count,
        follows_count,
        media_count,
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
