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
        -- measures: an absolute target, or a relative change on the baseline (fct_goal_progress)
        target,
        change,
        -- dates
        start_date,
        end_date

    from source

)

select * from renamed
