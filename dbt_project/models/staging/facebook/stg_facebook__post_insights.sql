with

source as (

    select * from {{ source('lake', 'facebook__post_insights') }}

),

renamed as (

    select
        -- ids
        'facebook' as platform,
        coalesce(capture_account_id, split_part(post_id, '_', 1)) as account_id,
        post_id,
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
