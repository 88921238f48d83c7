with

source as (

    select * from {{ source('lake', 'linkedin__follower_statistics') }}

),

renamed as (

    select
        -- ids
        'linkedin' as platform,
        coalesce(organization_urn, capture_account_id) as account_id,
        -- measures
        organic_follower_gain,
        paid_follower_gain,
        -- dates: LinkedIn days are UTC days, taken as the date as-is (domain rule)
        cast(timezone('UTC', time_range_start) as date) as metric_date,
        -- timestamps
        time_range_start,
        time_range_end,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
