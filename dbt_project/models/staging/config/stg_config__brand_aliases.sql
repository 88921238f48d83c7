with

source as (

    select * from {{ source('lake', 'config__brand_aliases') }}

),

renamed as (

    select
        brand_id,
        alias

    from source

)

select * from renamed
