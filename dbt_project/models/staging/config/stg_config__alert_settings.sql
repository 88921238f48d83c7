with

source as (

    select * from {{ source('lake', 'config__alert_settings') }}

),

renamed as (

    select
        -- ids
        brand_id,
        lower(kind) as kind,
        -- settings
        min_count,
        mad_factor,
        baseline_days

    from source

)

select * from renamed
