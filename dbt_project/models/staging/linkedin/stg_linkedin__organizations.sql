with

source as (

    select * from {{ source('lake', 'linkedin__organization') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'linkedin'

),

renamed as (

    select
        -- ids
        'linkedin' as platform,
        coalesce(organization_urn, capture_account_id) as account_id,
        -- measures
        follower_count,
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
