with

source as (

    select * from {{ source('lake', 'facebook__page') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'facebook'

),

renamed as (

    select
        -- ids
        'facebook' as platform,
        coalesce(page_id, capture_account_id) as account_id,
        -- dimensions
        page_name,
        -- measures
        followers_count,
        fan_count,
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
