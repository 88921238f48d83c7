with

brands as (

    select * from {{ ref('stg_config__brands') }}

),

final as (

    select
        cast(brand_id as varchar) as brand_id,
        cast(brand_name as varchar) as brand_name,
        cast(is_own as boolean) as is_own,
        cast(timezone as varchar) as timezone
    from brands

)

select * from final
