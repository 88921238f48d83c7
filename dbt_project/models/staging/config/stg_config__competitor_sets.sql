with

source as (

    select * from {{ source('lake', 'config__competitor_sets') }}

),

renamed as (

    select
        competitor_set_id,
        brand_id,
        coalesce(is_set_owner, false) as is_set_owner

    from source

)

select * from renamed
