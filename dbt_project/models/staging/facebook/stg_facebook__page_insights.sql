with

source as (

    select * from {{ source('lake', 'facebook__page_insights') }}

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
        metric_name,
        period,
        -- measures
        value as metric_value,
        -- timestamps
        end_time,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

),

final as (

    select
        renamed.*,
        -- end_time closes the day (midnight local of the next day): the day is the one just before it
        {{ local_date("renamed.end_time - interval '1 second'", 'accounts.timezone') }} as metric_date,
        {{ local_date('renamed.fetched_at', 'accounts.timezone') }} as fetched_date

    from renamed
    left join accounts
        on renamed.account_id = accounts.account_id

)

select * from final
