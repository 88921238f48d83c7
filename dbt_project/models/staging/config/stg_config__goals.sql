with

source as (

    select * from {{ source('lake', 'config__goals') }}

),

renamed as (

    select
        -- ids
        goal_id,
        brand_id,
        -- dimensions
        lower(platform) as platform,
        lower(metric) as metric,
        -- measures
        target,
        -- dates
        start_date,
        end_date

    from source

)

select * from renamed
