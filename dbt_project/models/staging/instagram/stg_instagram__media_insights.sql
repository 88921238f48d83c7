with

source as (

    select * from {{ source('lake', 'instagram__media_insights') }}

),

renamed as (

    select
        -- ids
        'instagram' as platform,
        capture_account_id as account_id,
        media_id,
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

)

select * from renamed
