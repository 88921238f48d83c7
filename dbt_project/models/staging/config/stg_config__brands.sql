with

source as (

    select * from {{ source('lake', 'config__brands') }}

),

renamed as (

    select
        -- ids
        brand_id,
        -- dimensions
        brand_name,
        is_own,
        timezone,
        -- business hours as configured, plus typed forms for time arithmetic
        lower(replace(coalesce(business_days, ''), ' ', '')) as business_days,
        business_start,
        business_end,
        case
            when coalesce(trim(business_days), '') = '' then cast([] as varchar[])
            else string_split(lower(replace(business_days, ' ', '')), ',')
        end as business_day_list,
        try_cast(nullif(trim(business_start), '') as time) as business_start_time,
        try_cast(nullif(trim(business_end), '') as time) as business_end_time

    from source

)

select * from renamed
